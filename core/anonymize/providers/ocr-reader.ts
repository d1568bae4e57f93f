import { LineCache, OcrEngine } from '../../ocr/pipeline.js';
import type { FrameTextReader, FrameTextLine } from '../frame-reader.js';

/**
 * The OCR capability's detector + line recogniser as the anonymization's frame reader. A line whose pixels
 * were read at the same place before is not read again (a stamp that stays put is read once).
 * `maxSide`: the longest side frames are scaled to for detection.
 */
export async function createOcrFrameReader(opts: { maxSide?: number } = {}): Promise<FrameTextReader> {
  const engine = await OcrEngine.create();
  const cache = new LineCache();
  return {
    name: 'ocr-detector+tesseract-lines',
    async read(frame, signal): Promise<FrameTextLine[]> {
      const lines = await engine.readFrame(frame, {
        cache,
        ...(opts.maxSide ? { maxSide: opts.maxSide } : {}),
        ...(signal ? { signal } : {}),
      });
      return lines
        .filter((l) => l.box.width > 0 && l.box.height > 0)
        .map((l) => ({
          text: l.text,
          confidence: l.confidence,
          detectorScore: l.detectorScore,
          box: { x: Math.max(0, l.box.x), y: Math.max(0, l.box.y), width: l.box.width, height: l.box.height },
        }));
    },
    close: () => engine.close(),
  };
}
