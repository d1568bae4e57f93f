import { iou, resizeGray, type Box, type GrayImage } from './image.js';
import type { RecognizedLine } from './recognize.js';

/** Lines already read in this video: same place and (nearly) the same pixels give the same text. */
export class LineCache {
  private entries: Array<{ box: Box; print: Uint8Array; line: RecognizedLine }> = [];
  hits = 0;
  /** Lines read by the recogniser. */
  reads = 0;

  private static fingerprint(g: GrayImage): Uint8Array {
    return resizeGray(g, 96, 16).data;
  }

  lookup(box: Box, prepared: GrayImage): RecognizedLine | undefined {
    const line = this.peek(box, prepared);
    if (line) this.hits++;
    return line;
  }

  /** The line read before at this place with these pixels, without counting a hit. */
  peek(box: Box, prepared: GrayImage): RecognizedLine | undefined {
    const print = LineCache.fingerprint(prepared);
    for (const e of this.entries) {
      if (iou(e.box, box) < 0.9) continue;
      // Compare in 4-px column blocks: one changed character (a clock's seconds) must not hide in the mean.
      const blocks = new Float64Array(24);
      for (let i = 0; i < print.length; i++) blocks[((i % 96) / 4) | 0]! += Math.abs(print[i]! - e.print[i]!);
      if (Math.max(...blocks) / 64 < 6) return e.line;
    }
    return undefined;
  }

  /**
   * The empty reading last made at this place, if the last reading there was empty: a box kept from another
   * sample's detection that showed no text (a blob of tissue texture inside the endoscope image) is not read
   * again in every sample although its pixels change. Counts as a hit.
   */
  emptyAt(box: Box): RecognizedLine | undefined {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i]!;
      if (iou(e.box, box) < 0.9) continue;
      if (e.line.text !== '') return undefined;
      this.hits++;
      return e.line;
    }
    return undefined;
  }

  remember(box: Box, prepared: GrayImage, line: RecognizedLine): void {
    this.reads++;
    this.entries.push({ box: { ...box }, print: LineCache.fingerprint(prepared), line });
    if (this.entries.length > 400) this.entries.shift();
  }
}
