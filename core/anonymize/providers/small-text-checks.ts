import type { Box, RgbImage } from '../../ocr/image.js';
import type { ScoredBox } from './zoom.js';
import { rowsDiffer, TILE } from '../tile-screen.js';

/**
 * What the reader's full-scale small-text detections (small-text.ts) already saw, so the same pixels are not
 * detected again. Verification reads the parts of each sample that changed, each with a margin and screened with
 * context around it: a band on pixels that did not change (texture beside a moving object, a line of text beside
 * a changing one) is proposed again by every read whose area reaches it (bench clip: 1016 crops proposed, 734 of
 * them over the 5 % budget, for 282 detections).
 *
 * Per frame pixel: which check (one full-scale detection of a crop) saw it last, and its pixels then. A crop every
 * pixel of which one check saw, in the same state as then (tile-screen.ts's test, per 16 × 16 block of the crop:
 * calibrated to catch what the reader can read), gets that check's boxes again instead of a detection — the
 * detector saw those pixels, with as much around them, at full scale. Only crops actually detected are recorded:
 * a crop skipped for the budget stays unchecked, and is detected when a later read proposes it within the budget.
 */
export class SmallTextChecks {
  private width = 0;
  private height = 0;
  /** Per pixel: the check that saw it last (0: none). */
  private seenBy = new Int32Array(0);
  /** Per pixel (3 bytes): its value when that check saw it. */
  private seen = new Uint8Array(0);
  /** Per check: its boxes (frame pixels). */
  private readonly boxes = new Map<number, ScoredBox[]>();
  private next = 1;

  private reset(img: RgbImage): void {
    this.width = img.width;
    this.height = img.height;
    this.seenBy = new Int32Array(img.width * img.height);
    this.seen = new Uint8Array(img.width * img.height * 3);
    this.boxes.clear();
  }

  /** The boxes (frame pixels) of the check that saw all of `crop` (frame pixels) in its present state, if one did. */
  lookup(img: RgbImage, crop: Box): ScoredBox[] | undefined {
    if (img.width !== this.width || img.height !== this.height) return undefined;
    const id = this.seenBy[crop.y * this.width + crop.x]!;
    if (!id) return undefined;
    for (let y = crop.y; y < crop.y + crop.height; y++) {
      const row = y * this.width;
      for (let x = crop.x; x < crop.x + crop.width; x++) if (this.seenBy[row + x] !== id) return undefined;
    }
    for (let by = crop.y; by < crop.y + crop.height; by += TILE) {
      for (let bx = crop.x; bx < crop.x + crop.width; bx += TILE) {
        const block = {
          x: bx,
          y: by,
          width: Math.min(TILE, crop.x + crop.width - bx),
          height: Math.min(TILE, crop.y + crop.height - by),
        };
        if (this.changed(img, block)) return undefined;
      }
    }
    return this.boxes.get(id);
  }

  /** `crop` (frame pixels) of `img` was detected at full scale and `found` (frame pixels) is what it held. */
  record(img: RgbImage, crop: Box, found: ScoredBox[]): void {
    if (img.width !== this.width || img.height !== this.height) this.reset(img);
    const id = this.next++;
    for (let y = crop.y; y < crop.y + crop.height; y++) {
      const i = y * this.width + crop.x;
      this.seenBy.fill(id, i, i + crop.width);
      this.seen.set(img.data.subarray(i * 3, (i + crop.width) * 3), i * 3);
    }
    this.boxes.set(id, found);
    if (this.boxes.size > 2048) this.forgetUnseen();
  }

  /** Drops the boxes of checks no pixel was last seen by. */
  private forgetUnseen(): void {
    const used = new Set(this.seenBy);
    for (const id of this.boxes.keys()) if (!used.has(id)) this.boxes.delete(id);
  }

  /** tile-screen.ts's test of a tile's pixels against its reference, for `block` against the pixels seen. */
  private changed(img: RgbImage, block: Box): boolean {
    return rowsDiffer(img.data, this.seen, (block.y * this.width + block.x) * 3, this.width * 3, block.width * 3, block.height);
  }
}
