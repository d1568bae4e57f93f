import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectionTensor } from '../../core/ocr/detect.js';
import { bilinearTaps, type RgbImage } from '../../core/ocr/image.js';

const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];

/** The detector's input as written before its channel loop was unrolled (one loop over the channels). */
function reference(img: RgbImage, maxSide: number): { data: Float32Array; width: number; height: number } {
  const scale = Math.min(1, maxSide / Math.max(img.width, img.height));
  const width = Math.max(32, Math.round((img.width * scale) / 32) * 32);
  const height = Math.max(32, Math.round((img.height * scale) / 32) * 32);
  const plane = width * height;
  const data = new Float32Array(plane * 3);
  const xs = bilinearTaps(img.width, width);
  const ys = bilinearTaps(img.height, height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const wx = xs.w[x]!;
      const wy = ys.w[y]!;
      const at = (row: number, col: number, ch: number) => img.data[(row * img.width + col) * 3 + ch]!;
      for (let ch = 0; ch < 3; ch++) {
        const v =
          (at(ys.i0[y]!, xs.i0[x]!, ch) * (1 - wx) + at(ys.i0[y]!, xs.i1[x]!, ch) * wx) * (1 - wy) +
          (at(ys.i1[y]!, xs.i0[x]!, ch) * (1 - wx) + at(ys.i1[y]!, xs.i1[x]!, ch) * wx) * wy;
        const t = 2 - ch;
        data[t * plane + y * width + x] = v * (1 / 255 / STD[t]!) - MEAN[t]! / STD[t]!;
      }
    }
  }
  return { data, width, height };
}

test('the detector input (resize + BGR normalisation) equals the per-channel reference, to the bit', () => {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) >>> 16) & 255;
  for (const [w, h, side] of [
    [343, 270, 172],
    [129, 32, 128],
    [200, 120, 960],
    [33, 17, 960],
  ] as const) {
    const img = { width: w, height: h, data: Uint8Array.from({ length: w * h * 3 }, rnd) };
    const a = detectionTensor(img, side);
    const b = reference(img, side);
    assert.deepEqual([a.width, a.height], [b.width, b.height]);
    let diff = 0;
    for (let i = 0; i < a.data.length; i++) if (a.data[i] !== b.data[i]) diff++;
    // A swapped channel order or normalisation (plane 0 is blue, with MEAN[0]) changes most values.
    assert.equal(diff, 0, `${w}×${h}: ${diff} of ${a.data.length} values differ`);
  }
});
