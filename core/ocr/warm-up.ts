import type { DetectOptions } from './detect.js';
import type { Box, RgbImage } from './image.js';

/**
 * A detector thread's warm-up (detect-worker.ts `warm`): detections and a line reading on a generated picture of the
 * sizes a verification asks for, run while the reader is created — which waits 3–4 s for Tesseract anyway — instead
 * of in the verification's first samples.
 *
 * Why: a fresh worker's first calls run cold. V8 compiles the hot loops (`detectionTensor`,
 * `boxesFromProbabilityMap`, the recogniser's tensor and CTC decoding) with TurboFan on the platform threads while
 * the verification runs, deoptimises the first code when later inputs differ, and ONNX Runtime allocates its arena
 * on first use. Measured on the bench clip's verification (docs/benchmarks.md, feat/ver6). The picture: light
 * glyph-like strokes in rows on a darker textured ground (the detector finds boxes on it, so the box labelling's
 * loops run too), in shared memory like the frames of a verification.
 */
const W = 960;
const H = 720;

export function warmUpPicture(): RgbImage {
  const data = new Uint8Array(new SharedArrayBuffer(W * H * 3));
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = (y * W + x) * 3;
      // A dark textured ground (gradients and a checker, as a scope picture's edges).
      data[i] = (x * 7 + y * 3) & 63;
      data[i + 1] = ((x >> 4) + (y >> 4)) & 1 ? 40 : 20;
      data[i + 2] = (y * 5) & 63;
    }
  }
  // Rows of 7×11-px glyph blocks with 3-px gaps (strokes of 2 px), words of 6 glyphs: text-like to the detector.
  for (let row = 0; row < 8; row++) {
    const y0 = 40 + row * 80;
    const size = 1 + (row % 3);
    for (let g = 0; g < 48; g++) {
      if (g % 7 === 6) continue;
      const x0 = 40 + g * 10 * size;
      if (x0 + 7 * size >= W) break;
      for (let y = 0; y < 11 * size; y++) {
        for (let x = 0; x < 7 * size; x++) {
          const stroke = x < 2 * size || y < 2 * size || (y >= 5 * size && y < 7 * size) || ((g + row) % 2 === 0 && x >= 5 * size);
          if (!stroke) continue;
          const i = ((y0 + y) * W + x0 + x) * 3;
          data[i] = data[i + 1] = data[i + 2] = 235;
        }
      }
    }
  }
  return { width: W, height: H, data };
}

/**
 * The detections of a warm-up: read rectangles of a few sizes (at 960 px) and small-text crops at full scale. Small on
 * purpose: the loops reach TurboFan after a few calls, and ONNX Runtime's cost grows with the pixels.
 */
export const WARM_DETECTIONS: Array<{ opts: DetectOptions; roi?: Box }> = [
  { opts: { maxSide: 960 }, roi: { x: 0, y: 0, width: 384, height: 192 } },
  { opts: { maxSide: 960 }, roi: { x: 20, y: 600, width: 448, height: 96 } },
  { opts: { maxSide: 960 }, roi: { x: 700, y: 380, width: 192, height: 192 } },
  { opts: { maxSide: 128 }, roi: { x: 36, y: 116, width: 128, height: 32 } },
  { opts: { maxSide: 96 }, roi: { x: 36, y: 36, width: 96, height: 32 } },
  { opts: { maxSide: 256 }, roi: { x: 30, y: 190, width: 256, height: 64 } },
];

/** The line read in the thread that has the recogniser. */
export const WARM_LINE: Box = { x: 30, y: 190, width: 420, height: 48 };
