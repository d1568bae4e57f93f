import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boxesFromProbabilityMap, detectionTensor } from '../../core/ocr/detect.js';
import { bilinearTaps, rgbCrop, type RgbImage } from '../../core/ocr/image.js';

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

test("the detector input of a frame's rectangle equals that of the rectangle cropped out, to the bit, in a reused buffer too", () => {
  let seed = 11;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) >>> 16) & 255;
  const img = { width: 400, height: 260, data: Uint8Array.from({ length: 400 * 260 * 3 }, rnd) };
  const reused = new Float32Array(200_000);
  for (const [roi, side] of [
    [{ x: 37, y: 21, width: 343, height: 200 }, 172],
    [{ x: 0, y: 228, width: 129, height: 32 }, 128],
    [{ x: 271, y: 3, width: 129, height: 64 }, 960],
    [{ x: 5, y: 9, width: 33, height: 17 }, 960],
  ] as const) {
    const a = detectionTensor(img, side, roi);
    const b = detectionTensor(rgbCrop(img, roi), side);
    const c = detectionTensor(img, side, roi, reused);
    assert.deepEqual([a.width, a.height], [b.width, b.height]);
    assert.equal(c.data.buffer, reused.buffer, 'written into the buffer given');
    let diff = 0;
    for (let i = 0; i < b.data.length; i++) if (a.data[i] !== b.data[i] || c.data[i] !== b.data[i]) diff++;
    assert.equal(a.data.length, b.data.length);
    assert.equal(c.data.length, b.data.length);
    assert.equal(diff, 0, `${JSON.stringify(roi)}: ${diff} values differ`);
  }
  assert.throws(() => detectionTensor(img, 960, { x: 300, y: 0, width: 101, height: 10 }), RangeError);
});

/** DB post-processing as a plain flood fill (4-neighbours), for comparison. */
function referenceBoxes(prob: Float32Array, w: number, h: number, fw: number, fh: number) {
  const seen = new Uint8Array(w * h);
  const out: Array<{ x: number; y: number; width: number; height: number; score: number }> = [];
  for (let s = 0; s < w * h; s++) {
    if (seen[s] || prob[s]! <= 0.3) continue;
    seen[s] = 1;
    const todo = [s];
    let [x0, y0, x1, y1, sum, n] = [w, h, -1, -1, 0, 0];
    while (todo.length) {
      const p = todo.pop()!;
      const x = p % w;
      const y = (p - x) / w;
      [x0, y0, x1, y1, sum, n] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y), sum + prob[p]!, n + 1];
      for (const [q, ok] of [
        [p - 1, x > 0],
        [p + 1, x < w - 1],
        [p - w, y > 0],
        [p + w, y < h - 1],
      ] as const) {
        if (ok && !seen[q] && prob[q]! > 0.3) {
          seen[q] = 1;
          todo.push(q);
        }
      }
    }
    const bw = x1 - x0 + 1;
    const bh = y1 - y0 + 1;
    if (Math.min(bw, bh) < 2 || n < 6 || sum / n < 0.6) continue;
    const d = (bw * bh * 1.6) / (2 * (bw + bh));
    const [sx, sy] = [fw / w, fh / h];
    const [a, b] = [Math.max(0, (x0 - d) * sx), Math.max(0, (y0 - d) * sy)];
    const [c, e] = [Math.min(fw, (x1 + 1 + d) * sx), Math.min(fh, (y1 + 1 + d) * sy)];
    out.push({ x: Math.round(a), y: Math.round(b), width: Math.round(c - a), height: Math.round(e - b), score: sum / n });
  }
  return out.sort((p, q) => p.y - q.y || p.x - q.x);
}

test('DB post-processing finds the components a plain flood fill finds, map after map (its work arrays reused)', () => {
  let seed = 5;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (const [w, h] of [
    [128, 64],
    [32, 32],
    [96, 160],
    [64, 32],
  ] as const) {
    const prob = new Float32Array(w * h);
    const cell = 3 + Math.floor(rnd() * 6);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) prob[y * w + x] = (((x / cell) | 0) + ((y / cell) | 0)) % 3 ? 0.1 * rnd() : 0.25 + 0.75 * rnd();
    const got = boxesFromProbabilityMap(prob, w, h, 2 * w, 2 * h, { threshold: 0.3, boxThreshold: 0.6, unclipRatio: 1.6 });
    const want = referenceBoxes(prob, w, h, 2 * w, 2 * h);
    assert.ok(want.length > 3, `${w}×${h}: ${want.length} components`);
    assert.deepEqual(
      got.map(({ score, ...b }) => ({ ...b, score: Math.round(score * 1e9) })),
      want.map(({ score, ...b }) => ({ ...b, score: Math.round(score * 1e9) })),
    );
  }
});
