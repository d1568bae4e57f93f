import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Ffmpeg } from '../../core/ffmpeg/index.js';
import { BUILTIN_GRAPH_OPTIMIZATION, buildBuiltinModel, builtinManifest } from '../../core/predict/builtin-model.js';
import { runPipeline } from '../../core/predict/pipeline.js';
import { decodeAheadFrames } from '../../core/predict/pipeline-in-worker.js';
import { generated } from '../helpers/media.js';
import { tempDir } from '../helpers/library.js';

test('predict pipeline: frames read by the inference worker (FIFO) score exactly as frames sent from the main thread', async () => {
  const video = await generated('predict-frames-testsrc-3s.mp4', (out) => [
    ...['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25:duration=3', '-c:v', 'libx264', '-preset', 'ultrafast'],
    ...['-pix_fmt', 'yuv420p', out],
  ]);
  const ffmpeg = await Ffmpeg.create();
  const m = builtinManifest();
  const dir = tempDir();
  try {
    const modelPath = path.join(dir.dir, 'builtin.onnx');
    writeFileSync(modelPath, buildBuiltinModel());
    const run = async (frames: 'worker' | 'main') => {
      const got = { times: [] as number[], frames: [] as number[], scores: [] as number[] };
      const counts: number[] = [];
      const { samples } = await runPipeline({
        ffmpeg,
        input: video,
        geometry: { width: m.input.width, height: m.input.height, colorOrder: 'RGB', resize: 'stretch' },
        sampling: { fps: { num: 25, den: 1 }, sampleFps: null },
        modelPath,
        spec: { ...m.input, inputName: m.input.name, outputName: m.output.name, labels: 4, activation: 'none', maxBatch: null },
        batchSize: 8,
        graphOptimization: BUILTIN_GRAPH_OPTIMIZATION,
        frames,
        onScores: async (t, f, s, n) => {
          counts.push(n);
          got.times.push(...t.subarray(0, n));
          got.frames.push(...f.subarray(0, n));
          got.scores.push(...s.subarray(0, n * 4));
        },
      });
      return { result: { samples, ...got }, counts };
    };
    const { result: inWorker, counts: workerCounts } = await run('worker');
    const { result: onMain, counts: mainCounts } = await run('main');
    // The main-thread route hands over every batch; the worker posts whole batches, up to 64 frames at a time.
    assert.deepEqual(mainCounts, [8, 8, 8, 8, 8, 8, 8, 8, 8, 3]);
    assert.equal(
      workerCounts.reduce((a, b) => a + b, 0),
      75,
    );
    workerCounts.slice(0, -1).forEach((n) => assert.ok(n % 8 === 0 && n <= 64, `a post of ${n} frames`));
    assert.equal(inWorker.samples, 75); // 3 s at 25 fps: 9 batches of 8 and one of 3
    assert.deepEqual(
      inWorker.frames,
      Array.from({ length: 75 }, (_, i) => i),
    );
    assert.deepEqual(inWorker, onMain);
  } finally {
    dir.cleanup();
  }
});

test('predict pipeline: ffmpeg decodes up to two batches ahead of the inference worker, within 16 MB', () => {
  const frame = 160 * 160 * 3;
  assert.equal(decodeAheadFrames(frame, 8), 16);
  assert.equal(decodeAheadFrames(frame, 1), 2);
  // 1024x1024 RGB frames (3 MB): the memory cap decides.
  assert.equal(decodeAheadFrames(1024 * 1024 * 3, 8), 5);
  // A frame larger than the cap still gets two slots (a batch and the next frame).
  assert.equal(decodeAheadFrames(64 * 1024 * 1024, 8), 2);
});
