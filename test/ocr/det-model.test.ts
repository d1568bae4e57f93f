import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { lavfiFrameRgb } from '../helpers/media.js';
import { fusedDetectionModel, fusedDetectionModelFile, type FuseCounts } from '../../core/ocr/det-model.js';
import { detectionTensor, TextDetector } from '../../core/ocr/detect.js';
import { detectionModelPath } from '../../core/ocr/models.js';
import { loadOnnxRuntime } from '../../core/util/onnx-runtime.js';

const W = 640;
const H = 360;
/** Text of a few sizes on a busy picture (ffmpeg's test pattern), as the verification sees it. */
const PICTURE = `testsrc2=s=${W}x${H}:d=1,drawtext=text='Name 12.03.1961':fontsize=22:fontcolor=white:x=40:y=60,drawtext=text='ID 4711':fontsize=34:fontcolor=yellow:x=300:y=250,drawtext=text='Jürgen Müller':fontsize=16:fontcolor=white:x=8:y=330`;
/** Whole picture at two scales, rectangles at the edges (where a wrongly folded bias would show) and inside. */
const INPUTS = [
  { side: 640 },
  { side: 320 },
  { side: 160, roi: { x: 20, y: 40, width: 320, height: 64 } },
  { side: 112, roi: { x: 280, y: 224, width: 224, height: 96 } },
  { side: 96, roi: { x: 0, y: 300, width: 200, height: 60 } },
  { side: 129, roi: { x: 33, y: 17, width: 129, height: 65 } },
];

/**
 * The detector model with its affine steps folded (det-model.ts) computes the shipped model's function: its
 * probability maps stay within float rounding of the shipped model's, and the boxes are the same.
 */
test('the fused detector model gives the probability maps and boxes of the shipped model', { timeout: 120_000 }, async (t) => {
  const counts: FuseCounts = { convAffine: 0, hardswish: 0, affineIntoConv: 0, affineAsDepthwise: 0 };
  const bytes = fusedDetectionModel(counts);
  // Every place of the shipped graph the rewrite is for (a changed model file would show here).
  assert.deepEqual(counts, { convAffine: 28, hardswish: 24, affineIntoConv: 10, affineAsDepthwise: 10 });

  const { data: rgb } = await lavfiFrameRgb(PICTURE, W, H);
  const img = { width: W, height: H, data: Uint8Array.from(rgb) };
  const ort = await loadOnnxRuntime();
  const options = { intraOpNumThreads: 1, graphOptimizationLevel: 'all' as const };
  const shipped = await ort.InferenceSession.create(detectionModelPath(), options);
  const fused = await ort.InferenceSession.create(bytes, options);
  t.after(() => Promise.all([shipped.release(), fused.release()]));
  const map = async (s: typeof shipped, x: ReturnType<typeof detectionTensor>) => {
    const out = await s.run({ [s.inputNames[0]!]: new ort.Tensor('float32', x.data, [1, 3, x.height, x.width]) });
    return out[s.outputNames[0]!]!.data as Float32Array;
  };
  let worst = 0;
  for (const input of INPUTS) {
    const x = detectionTensor(img, input.side, input.roi);
    const [a, b] = [await map(shipped, x), await map(fused, x)];
    assert.equal(a.length, b.length);
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  }
  // Float rounding (≈ 2e-5 measured on 656 inputs of the bench's output); a wrong fold moves maps by far more.
  assert.ok(worst < 1e-3, `largest difference of a probability ${worst}`);

  const [d0, d1] = await Promise.all([TextDetector.create({ threads: 1 }), TextDetector.create({ threads: 1, fused: true })]);
  t.after(() => Promise.all([d0.close(), d1.close()]));
  let found = 0;
  for (const input of INPUTS) {
    const [a, b] = [await d0.detect(img, { maxSide: input.side }, input.roi), await d1.detect(img, { maxSide: input.side }, input.roi)];
    assert.deepEqual(
      b.map(({ score: _s, ...box }) => box),
      a.map(({ score: _s, ...box }) => box),
      `maxSide ${input.side}`,
    );
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]!.score - b[i]!.score) < 1e-3);
    found += a.length;
  }
  assert.ok(found >= 6, `the text was found (${found} boxes)`);
});

/** The rewritten model is built once and then read from the cache folder. */
test('the fused detector model is cached as a file', { timeout: 60_000 }, (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'framewise-det-cache-'));
  const before = process.env.FRAMEWISE_CACHE_DIR;
  process.env.FRAMEWISE_CACHE_DIR = dir;
  t.after(() => {
    if (before === undefined) delete process.env.FRAMEWISE_CACHE_DIR;
    else process.env.FRAMEWISE_CACHE_DIR = before;
    rmSync(dir, { recursive: true, force: true });
  });
  const first = fusedDetectionModelFile();
  assert.ok(first instanceof Uint8Array, 'built the first time');
  const files = readdirSync(dir);
  assert.equal(files.length, 1);
  assert.match(files[0]!, /^ppocr-det-fused-v\d+-\d+-\d+\.onnx$/);
  assert.equal(fusedDetectionModelFile(), path.join(dir, files[0]!), 'read from the cache the second time');
});
