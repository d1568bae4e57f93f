import type { Rect } from './types.js';

/** A decoded frame: packed RGB, 3 bytes per pixel. */
export interface RgbFrame {
  width: number;
  height: number;
  data: Uint8Array;
}

/** One text line found in a frame: its box (frame pixels) and what was read there. Patient data: never log. */
export interface FrameTextLine {
  text: string;
  /** 0..1 */
  confidence: number;
  box: Rect;
  /** The detector's mean probability for the box (0..1). */
  detectorScore: number;
  /** Other readings of the same line (another recogniser read it differently); patient tokens are looked for in all. */
  alternatives?: string[];
}

/**
 * Reads every text line of a frame: a text detector finds the lines anywhere in the image, then each line is
 * recognised on its own (the OCR capability's engine; see providers/ocr.ts). Scan and verification depend
 * only on this interface.
 */
export interface FrameTextReader {
  readonly name: string;
  /**
   * `roi`: read only this part of the frame (boxes are still in frame pixels). The frame's pixels are the reader's
   * until the returned promise settles, not after: the text scan then reuses the buffer for a later frame.
   */
  read(frame: RgbFrame, signal?: AbortSignal, roi?: Rect): Promise<FrameTextLine[]>;
  close(): Promise<void>;
}
