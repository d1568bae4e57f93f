import { LineCache, OcrEngine, raceAbort } from '../../ocr/pipeline.js';
import { rgbCrop } from '../../ocr/image.js';
import { prepareLine } from '../../ocr/recognize.js';
import type { FrameTextReader, FrameTextLine } from '../frame-text.js';

/** Boxes smaller than this (frame pixels) hold no readable text (a 14 px font gives ~17 px tall boxes). */
const MIN_BOX_HEIGHT = 12;
const MIN_BOX_WIDTH = 8;

/**
 * The OCR capability's detector + line recogniser as the anonymization's frame reader: the detector finds
 * text lines anywhere in the picture (or in `roi`), each line is recognised on its own. A line whose pixels
 * were read at the same place before is not read again (a stamp that stays put is read once). Detection of
 * the next frame runs (worker thread) while the lines of this one are recognised (tesseract's thread).
 * `maxSide`: the longest side the picture is scaled to for detection (default 960).
 */
export async function createOcrFrameReader(opts: { maxSide?: number } = {}): Promise<FrameTextReader> {
  const engine = await OcrEngine.create();
  const cache = new LineCache();
  const maxSide = opts.maxSide ?? 960;
  return {
    name: 'ocr-detector+tesseract-lines',
    async read(frame, signal, roi): Promise<FrameTextLine[]> {
      const area = roi ?? { x: 0, y: 0, width: frame.width, height: frame.height };
      const img = roi ? rgbCrop(frame, roi) : frame;
      // The same scale as for the whole frame: a smaller area costs less, text is not shrunk more.
      const scale = Math.min(1, maxSide / Math.max(frame.width, frame.height));
      const side = Math.max(32, Math.round(Math.max(img.width, img.height) * scale));
      const boxes = await raceAbort(engine.detector.detect(img, { maxSide: side }), signal);
      const out: FrameTextLine[] = [];
      for (const b of joinLineParts(boxes)) {
        if (b.height < MIN_BOX_HEIGHT || b.width < MIN_BOX_WIDTH) continue;
        if (signal?.aborted) break;
        const prepared = prepareLine(img, b);
        let r = cache.lookup(b, prepared);
        if (!r) {
          r = await raceAbort(engine.recognizer.recognizeGray(prepared), signal);
          cache.remember(b, prepared, r);
        }
        out.push({
          text: r.text,
          confidence: r.confidence,
          detectorScore: b.score,
          box: {
            x: Math.max(0, Math.round(b.x) + area.x),
            y: Math.max(0, Math.round(b.y) + area.y),
            width: Math.round(b.width),
            height: Math.round(b.height),
          },
        });
      }
      return out;
    },
    close: () => engine.close(),
  };
}

/**
 * The detector sometimes splits one word or line into pieces ("Jür" + "gen"): boxes on the same line (most
 * of their height shared) with a gap smaller than about half their height are joined before recognition.
 */
export function joinLineParts<B extends { x: number; y: number; width: number; height: number; score: number }>(boxes: B[]): B[] {
  const sorted = [...boxes].sort((a, b) => a.x - b.x);
  const out: B[] = [];
  for (const b of sorted) {
    const host = out.find((o) => {
      const overlap = Math.min(o.y + o.height, b.y + b.height) - Math.max(o.y, b.y);
      const h = Math.max(o.height, b.height);
      const gap = b.x - (o.x + o.width);
      return overlap >= 0.6 * Math.min(o.height, b.height) && Math.abs(o.height - b.height) <= 0.5 * h && gap <= 0.6 * h && gap >= -h;
    });
    if (!host) {
      out.push({ ...b });
      continue;
    }
    const x = Math.min(host.x, b.x);
    const y = Math.min(host.y, b.y);
    host.width = Math.max(host.x + host.width, b.x + b.width) - x;
    host.height = Math.max(host.y + host.height, b.y + b.height) - y;
    host.x = x;
    host.y = y;
    host.score = Math.max(host.score, b.score);
  }
  return out;
}
