import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generated } from '../helpers/media.js';
import { importAndWait, openTempCore } from '../helpers/library.js';
import { predictAndWait, waitIdle } from './helpers.js';
import { buildBuiltinModel, builtinManifest } from '../../core/predict/builtin-model.js';
import { toTensorData } from '../../core/predict/tensor.js';
import { loadOnnxRuntime } from '../../core/util/onnx-runtime.js';

/** 24 s, 320x240 @ 25 fps test pattern: black 4–8 s, heavily blurred 12–16 s, white 19–22 s. */
function qualityVideo(): Promise<string> {
  return generated('predict-quality-24s.mp4', (out) => [
    '-f',
    'lavfi',
    '-i',
    "testsrc2=s=320x240:r=25:d=24,drawbox=x=0:y=0:w=iw:h=ih:c=black:t=fill:enable='gte(t,4)*lt(t,8)',boxblur=luma_radius=10:luma_power=3:chroma_radius=10:chroma_power=3:enable='gte(t,12)*lt(t,16)',drawbox=x=0:y=0:w=iw:h=ih:c=white:t=fill:enable='gte(t,19)*lt(t,22)'",
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    out,
  ]);
}

test('built-in frame-quality model: deterministic bytes, and black / blurry / overexposed parts are found', async () => {
  assert.deepEqual(buildBuiltinModel(), buildBuiltinModel());
  const video = await qualityVideo();
  const lib = await openTempCore();
  try {
    const [imp] = await importAndWait(lib.core, [video]);
    assert.equal(imp?.state, 'succeeded', JSON.stringify(imp?.error));
    const videoId = (imp!.output as { videoId: number }).videoId;
    await waitIdle(lib.core);
    // No model named: the default, which is the built-in one.
    const job = await predictAndWait(lib.core, { video: videoId, fps: 5 });
    assert.equal(job.state, 'succeeded', JSON.stringify(job.error));
    assert.equal((job.output as { model: string }).model, 'frame-quality');
    const segs = await lib.core.call('segments.list', { video: videoId });
    const of = (label: string) => segs.filter((s) => s.label === label).map((s) => [s.start, s.end]);
    const within = (a: number, b: number) => Math.abs(a - b) <= 0.2 + 1e-9;
    const black = of('black');
    assert.equal(black.length, 1, JSON.stringify(black));
    assert.ok(within(black[0]![0]!, 4) && within(black[0]![1]!, 8), JSON.stringify(black));
    assert.ok(
      of('dark').some(([s, e]) => within(s!, 4) && within(e!, 8)),
      JSON.stringify(of('dark')),
    );
    const over = of('overexposed');
    assert.equal(over.length, 1, JSON.stringify(over));
    assert.ok(within(over[0]![0]!, 19) && within(over[0]![1]!, 22), JSON.stringify(over));
    // Blurry: the blurred part, and the flat (detail-free) black and white parts; never the sharp pattern.
    const blurry = of('blurry');
    assert.ok(
      blurry.some(([s, e]) => within(s!, 12) && within(e!, 16)),
      JSON.stringify(blurry),
    );
    for (const [s, e] of blurry) {
      const insideKnown = [
        [4, 8],
        [12, 16],
        [19, 22],
      ].some(([a, b]) => s! >= a! - 0.2 && e! <= b! + 0.2);
      assert.ok(insideKnown, `blurry segment ${s}–${e} over the sharp test pattern`);
    }
  } finally {
    await lib.close();
  }
});

test('built-in frame-quality model: 1.1.0 (uint8 NHWC, the bytes as decoded) scores frames as 1.0.0 (float NCHW, byte / 255) did', async () => {
  const ort = await loadOnnxRuntime();
  const m = builtinManifest();
  assert.equal(m.input.layout, 'NHWC');
  assert.equal(m.input.scale, 1);
  const size = m.input.width;
  const hw = size * size;
  // Frames over the whole byte range and each label's side of its cut-off: noise, black, near-black, white,
  // a smooth gradient (blurry), a sharp checkerboard, and grey with a bright corner.
  let seed = 3;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 255;
  const frames: Array<(x: number, y: number, c: number) => number> = [
    () => rand(),
    () => 0,
    (x) => 8 + (x % 5),
    () => 250,
    (x, y, c) => (x + y + 40 * c) & 255,
    (x, y) => (((x >> 3) + (y >> 3)) % 2 ? 235 : 20),
    (x, y) => (x > 100 && y > 100 ? 255 : 128),
  ];
  const bytes = new Uint8Array(frames.length * hw * 3);
  frames.forEach((f, k) => {
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++) for (let c = 0; c < 3; c++) bytes[(k * hw + y * size + x) * 3 + c] = f(x, y, c);
  });
  const run = async (model: Uint8Array, input: InstanceType<typeof ort.Tensor>) => {
    const session = await ort.InferenceSession.create(model, { graphOptimizationLevel: 'extended' });
    try {
      return (await session.run({ pixels: input })).scores!.data as Float32Array;
    } finally {
      await session.release();
    }
  };
  const n = frames.length;
  // 1.0.0 as the worker fed it: per channel (byte / 255 − 0) / 1, planes.
  const lut = Float32Array.from({ length: 256 }, (_, b) => b / 255);
  const floats = toTensorData(
    bytes,
    n,
    {
      ...m.input,
      layout: 'NCHW',
      inputName: 'pixels',
      outputName: 'scores',
      labels: 4,
      activation: 'none',
      maxBatch: null,
      scale: 255,
      mean: [0, 0, 0],
      std: [1, 1, 1],
    },
    [lut, lut, lut],
  );
  const before = await run(buildBuiltinModel('float32'), new ort.Tensor('float32', floats, [n, 3, size, size]));
  const after = await run(buildBuiltinModel(), new ort.Tensor('uint8', bytes, [n, size, size, 3]));
  assert.equal(after.length, n * 4);
  let worst = 0;
  for (let i = 0; i < after.length; i++) worst = Math.max(worst, Math.abs(after[i]! - before[i]!));
  assert.ok(worst <= 1e-6, `largest score difference ${worst}`);
  // The frames span every label's both sides, so equal scores are not equal by being flat.
  for (let l = 0; l < 4; l++) {
    const col = Array.from({ length: n }, (_, k) => after[k * 4 + l]!);
    assert.ok(Math.min(...col) < 0.1 && Math.max(...col) > 0.9, `label ${m.labels[l]}: ${col.map((v) => v.toFixed(3)).join(' ')}`);
  }
});
