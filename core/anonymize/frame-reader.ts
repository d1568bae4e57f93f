import type { FrameTextReader } from './frame-text.js';

export type { FrameTextLine, FrameTextReader, RgbFrame } from './frame-text.js';

/** The default reader: the OCR capability's detector + line recogniser (replace per library with frameReaderSlot). */
export async function createFrameReader(): Promise<FrameTextReader> {
  const { createOcrFrameReader } = await import('./providers/ocr-reader.js');
  return createOcrFrameReader();
}
