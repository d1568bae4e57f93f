import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildModel, DATA_TYPE, floatTensor, int64Tensor, node } from '../../core/predict/onnx-build.js';
import { activate, toTensorData } from '../../core/predict/tensor.js';
import type { TensorSpec } from '../../core/predict/inference-protocol.js';
import { openTempCore, tempDir } from '../helpers/library.js';
import { generated } from '../helpers/media.js';
import { predictionAnonymizationSource, registerRoiResolver } from '../../core/predict/integration.js';
import { predictAndWait, redManifest, redModelBytes, redSceneVideo, writeModelDir, importIdle } from './helpers.js';

/**
 * NHWC model fed BGR: `outside` = sigmoid((mean of channel 2, i.e. red, − 0.5) × 20);
 * `top_black` = sigmoid((0.05 − mean of the first pixel row) × 100): 1 only when the top row is letterbox padding.
 */
function nhwcBgrModel(size: number): Uint8Array {
  return buildModel({
    name: 'nhwc_bgr_test',
    inputs: [{ name: 'image', shape: ['N', size, size, 3] }],
    outputs: [{ name: 'probs', shape: ['N', 2] }],
    nodes: [
      node('ReduceMean', ['image'], ['ch_mean'], { axes: [1, 2], keepdims: 0 }), // [N,3]
      node('Gather', ['ch_mean', 'red_idx'], ['red'], { axis: 1 }), // [N,1]
      node('Sub', ['red', 'half'], ['red_d']),
      node('Mul', ['red_d', 'k20'], ['outside_logit']),
      node('Sigmoid', ['outside_logit'], ['outside']),
      node('Slice', ['image', 'row_start', 'row_end', 'row_axis'], ['row0']), // [N,1,W,3]
      node('ReduceMean', ['row0'], ['row_mean4'], { axes: [1, 2, 3], keepdims: 1 }), // [N,1,1,1]
      node('Reshape', ['row_mean4', 'shape_n1'], ['row_mean']), // [N,1]
      node('Sub', ['cut', 'row_mean'], ['top_d']),
      node('Mul', ['top_d', 'k100'], ['top_logit']),
      node('Sigmoid', ['top_logit'], ['top_black']),
      node('Concat', ['outside', 'top_black'], ['probs'], { axis: 1 }),
    ],
    initializers: [
      int64Tensor('red_idx', [1], [2]),
      int64Tensor('row_start', [1], [0]),
      int64Tensor('row_end', [1], [1]),
      int64Tensor('row_axis', [1], [1]),
      int64Tensor('shape_n1', [2], [-1, 1]),
      floatTensor('half', [], [0.5]),
      floatTensor('cut', [], [0.05]),
      floatTensor('k20', [], [20]),
      floatTensor('k100', [], [100]),
    ],
  });
}

test('NHWC layout, BGR order and letterbox padding reach the model as the manifest says', async () => {
  const video = await redSceneVideo(); // 160x120: letterboxed into 32x32 it gets 4 black rows top and bottom
  const lib = await openTempCore();
  const dir = tempDir();
  try {
    const videoId = await importIdle(lib.core, video);
    const base = redManifest();
    const manifest = (name: string, resize: string) => ({
      ...base,
      name,
      file: 'nhwc.onnx',
      labels: ['outside', 'top_black'],
      input: {
        name: 'image',
        layout: 'NHWC',
        width: 32,
        height: 32,
        colorOrder: 'BGR',
        scale: 255,
        mean: [0, 0, 0],
        std: [1, 1, 1],
        resize,
      },
      output: { name: 'probs', activation: 'none' },
    });
    await lib.core.call('models.add', { manifestPath: writeModelDir(`${dir.dir}/lb`, manifest('lb', 'letterbox'), nhwcBgrModel(32)) });
    await lib.core.call('models.add', { manifestPath: writeModelDir(`${dir.dir}/st`, manifest('st', 'stretch'), nhwcBgrModel(32)) });

    for (const model of ['lb', 'st']) {
      const job = await predictAndWait(lib.core, { video: videoId, model, fps: 2 });
      assert.equal(job.state, 'succeeded', JSON.stringify(job.error));
      const segs = await lib.core.call('segments.list', { video: videoId, model });
      const of = (label: string) => segs.filter((s) => s.label === label).map((s) => [s.start, s.end]);
      // BGR: channel 2 is red, so the red scene is found (with RGB it would read blue and find nothing).
      assert.equal(of('outside').length, 1, `${model}: ${JSON.stringify(segs)}`);
      const [start, end] = of('outside')[0]!;
      assert.ok(Math.abs(start! - 12) <= 0.5 && Math.abs(end! - 18) <= 0.5, `${model}: outside ${start}–${end}`);
      // Letterbox pads with black rows: the whole video has a black top row. Stretch has none.
      assert.deepEqual(of('top_black'), model === 'lb' ? [[0, 30]] : [], `${model}: top_black`);
    }
  } finally {
    dir.cleanup();
    await lib.close();
  }
});

test('tensor conversion: normalisation per channel in NCHW and NHWC; activations', () => {
  const spec = (layout: 'NCHW' | 'NHWC', activation: TensorSpec['activation'] = 'none'): TensorSpec => ({
    inputName: 'x',
    outputName: 'y',
    layout,
    width: 2,
    height: 1,
    scale: 255,
    mean: [0.5, 0, 0],
    std: [0.5, 1, 2],
    labels: 2,
    activation,
    maxBatch: null,
  });
  const tables = [0, 1, 2].map((c) => {
    const s = spec('NCHW');
    const t = new Float32Array(256);
    for (let b = 0; b < 256; b++) t[b] = (b / s.scale - s.mean[c]!) / s.std[c]!;
    return t;
  });
  // Two pixels: (255, 0, 255) and (0, 255, 0).
  const px = new Uint8Array([255, 0, 255, 0, 255, 0]);
  assert.deepEqual(Array.from(toTensorData(px, 1, spec('NCHW'), tables)), [1, -1, 0, 1, 0.5, 0]);
  assert.deepEqual(Array.from(toTensorData(px, 1, spec('NHWC'), tables)), [1, 0, 0.5, -1, 1, 0]);

  // Frames whose pixel count is a multiple of 4 are read four bytes at a time: same values as pixel by pixel,
  // in both layouts, for every byte value and channel; also from a 4-aligned offset inside a larger buffer.
  const big = (layout: 'NCHW' | 'NHWC'): TensorSpec => ({ ...spec(layout), width: 8, height: 4 });
  const frames = 3;
  const bytes = new Uint8Array(4 + frames * 8 * 4 * 3);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 167 + 13) & 255;
  const slow = (p: Uint8Array, layout: 'NCHW' | 'NHWC'): number[] => {
    const hw = 32;
    const o = new Array<number>(frames * hw * 3);
    for (let k = 0; k < frames; k++)
      for (let i = 0; i < hw; i++)
        for (let c = 0; c < 3; c++) {
          const v = Math.fround(tables[c]![p[k * hw * 3 + i * 3 + c]!]!);
          o[layout === 'NCHW' ? k * hw * 3 + c * hw + i : k * hw * 3 + i * 3 + c] = v;
        }
    return o;
  };
  for (const layout of ['NCHW', 'NHWC'] as const) {
    for (const view of [bytes.subarray(4), bytes.subarray(0, bytes.length - 4), bytes.subarray(1, bytes.length - 3)]) {
      assert.deepEqual(
        Array.from(toTensorData(view, frames, big(layout), tables)),
        slow(view, layout),
        `${layout}, offset ${view.byteOffset}`,
      );
    }
  }

  const logits = new Float32Array([0, Math.log(3), 2, 2]);
  const sig = logits.slice();
  activate(sig, 2, spec('NCHW', 'sigmoid'));
  assert.ok(Math.abs(sig[0]! - 0.5) < 1e-6 && Math.abs(sig[1]! - 0.75) < 1e-6);
  const soft = logits.slice();
  activate(soft, 2, spec('NCHW', 'softmax'));
  assert.ok(Math.abs(soft[0]! - 0.25) < 1e-6 && Math.abs(soft[1]! - 0.75) < 1e-6);
  assert.ok(Math.abs(soft[2]! - 0.5) < 1e-6 && Math.abs(soft[3]! - 0.5) < 1e-6);
  const none = logits.slice();
  activate(none, 2, spec('NCHW', 'none'));
  assert.deepEqual(none, logits);
});

test('crop "roi": the model sees only the region given', async () => {
  // Navy frame with a red band over its left quarter: the whole frame is mostly not red, the left quarter is.
  const video = await generated('predict-roi-left-red.mp4', (out) => [
    '-f',
    'lavfi',
    '-i',
    'color=c=navy:s=160x120:r=25:d=4,drawbox=x=0:y=0:w=40:h=120:c=red:t=fill',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    out,
  ]);
  const lib = await openTempCore();
  const dir = tempDir();
  try {
    const videoId = await importIdle(lib.core, video);
    await lib.core.call('models.add', { manifestPath: writeModelDir(dir.dir, redManifest({ crop: 'roi' }), redModelBytes()) });
    const outside = async (roi?: { x: number; y: number; width: number; height: number }) => {
      const { job } = await lib.core.call('predict.run', { video: videoId, model: 'colour-outside', fps: 5, ...(roi ? { roi } : {}) });
      const done = await lib.core.services.jobs.waitFor(job.id, 120_000);
      assert.equal(done.state, 'succeeded', JSON.stringify(done.error));
      return (await lib.core.call('segments.list', { video: videoId, labels: ['outside'] })).map((s) => [
        s.start,
        s.end,
        (s.params as { roi: unknown }).roi,
      ]);
    };
    assert.deepEqual(await outside(), []);
    assert.deepEqual(await outside({ x: 0, y: 0, width: 40, height: 120 }), [[0, 4, { x: 0, y: 0, width: 40, height: 120 }]]);
    // The region from a registered resolver (the OCR capability's), given for a 320x240 frame: scaled to 160x120.
    registerRoiResolver(lib.core.services, async () => ({ x: 0, y: 0, width: 80, height: 240, frameWidth: 320, frameHeight: 240 }));
    try {
      assert.deepEqual(await outside(), [[0, 4, { x: 0, y: 0, width: 40, height: 120 }]]);
    } finally {
      registerRoiResolver(lib.core.services, undefined);
    }
    // What anonymization gets from prediction: half-open frame ranges per label.
    assert.deepEqual(await predictionAnonymizationSource(lib.core.services, videoId, { labels: ['outside'] }), {
      segments: [{ startFrame: 0, endFrame: 100, label: 'outside', validated: false }],
    });
  } finally {
    dir.cleanup();
    await lib.close();
  }
});

test('an ffmpeg failure fails the job with a reason, never echoing the file’s metadata', async () => {
  const video = await generated('predict-with-patient-title.mp4', (out) => [
    '-f',
    'lavfi',
    '-i',
    'color=c=navy:s=160x120:r=25:d=2',
    '-metadata',
    'title=Patient Jane Doe 1957-03-02',
    '-metadata',
    'comment=Dr. Example, Station 4',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    out,
  ]);
  const lib = await openTempCore();
  const dir = tempDir();
  try {
    const videoId = await importIdle(lib.core, video);
    await lib.core.call('models.add', { manifestPath: writeModelDir(dir.dir, redManifest({ crop: 'roi' }), redModelBytes()) });
    // A region larger than the frame: ffmpeg's crop filter refuses it after printing the input's metadata.
    const { job } = await lib.core.call('predict.run', {
      video: videoId,
      model: 'colour-outside',
      roi: { x: 0, y: 0, width: 400, height: 400 },
    });
    const done = await lib.core.services.jobs.waitFor(job.id, 120_000);
    assert.equal(done.state, 'failed');
    const text = JSON.stringify(done.error);
    assert.match(done.error!.message, /predict-with-patient-title\.mp4: /);
    assert.doesNotMatch(text, /Jane|Doe|1957|Example|Station/);
    assert.deepEqual(await lib.core.call('segments.list', { video: videoId }), []);
  } finally {
    dir.cleanup();
    await lib.close();
  }
});

/**
 * A user's own uint8 model with an NCHW input: `outside` = sigmoid((mean of plane 0 / 255 − 0.5) × 20). The
 * worker must transpose the decoded RGB bytes into planes: fed interleaved bytes, plane 0 of a red frame would
 * hold red, green and blue alike (mean ≈ 85, not 255) and nothing would be found.
 */
function uint8NchwModel(size: number): Uint8Array {
  return buildModel({
    name: 'nchw_uint8_test',
    inputs: [{ name: 'image', shape: ['N', 3, size, size], type: 'uint8' }],
    outputs: [{ name: 'probs', shape: ['N', 1] }],
    nodes: [
      node('Cast', ['image'], ['image_f'], { to: DATA_TYPE('float32') }),
      node('ReduceMean', ['image_f'], ['ch_mean'], { axes: [2, 3], keepdims: 0 }), // [N,3]
      node('Gather', ['ch_mean', 'red_idx'], ['red'], { axis: 1 }), // [N,1]
      node('Div', ['red', 'byte_max'], ['red_unit']),
      node('Sub', ['red_unit', 'half'], ['red_d']),
      node('Mul', ['red_d', 'k20'], ['outside_logit']),
      node('Sigmoid', ['outside_logit'], ['probs']),
    ],
    initializers: [
      int64Tensor('red_idx', [1], [0]),
      floatTensor('byte_max', [], [255]),
      floatTensor('half', [], [0.5]),
      floatTensor('k20', [], [20]),
    ],
  });
}

test("a user's uint8 NCHW model gets the frame's bytes as colour planes", async () => {
  const video = await redSceneVideo();
  const lib = await openTempCore();
  const dir = tempDir();
  try {
    const videoId = await importIdle(lib.core, video);
    const manifest = {
      ...redManifest(),
      name: 'bytes',
      file: 'bytes.onnx',
      labels: ['outside'],
      input: {
        name: 'image',
        layout: 'NCHW',
        width: 32,
        height: 32,
        colorOrder: 'RGB',
        scale: 1,
        mean: [0, 0, 0],
        std: [1, 1, 1],
        resize: 'stretch',
      },
      output: { name: 'probs', activation: 'none' },
    };
    await lib.core.call('models.add', { manifestPath: writeModelDir(`${dir.dir}/bytes`, manifest, uint8NchwModel(32)) });
    const job = await predictAndWait(lib.core, { video: videoId, model: 'bytes', fps: 2 });
    assert.equal(job.state, 'succeeded', JSON.stringify(job.error));
    const outside = (await lib.core.call('segments.list', { video: videoId, model: 'bytes' })).filter((s) => s.label === 'outside');
    assert.equal(outside.length, 1, JSON.stringify(outside));
    assert.ok(
      Math.abs(outside[0]!.start - 12) <= 0.5 && Math.abs(outside[0]!.end - 18) <= 0.5,
      `outside ${outside[0]!.start}–${outside[0]!.end}`,
    );
  } finally {
    dir.cleanup();
    await lib.close();
  }
});
