import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildModel, floatTensor, int64Tensor, node } from '../../core/predict/onnx-build.js';
import type { Core } from '../../core/core.js';
import { generated } from '../helpers/media.js';
import { importAndWait } from '../helpers/library.js';
import type { JobSummary } from '../../core/api/types.js';
import type { CommandInput } from '../../core/api/commands.js';

/**
 * A tiny two-label model built in the test: `outside` = sigmoid((mean red − 0.5) × 20),
 * `dark` = sigmoid((0.25 − mean of all channels) × 20). Input pixels [N,3,size,size] in [0,1].
 */
export function redModelBytes(size = 32, opts: { outputColumns?: 2 | 3; batch?: number } = {}): Uint8Array {
  const cols = opts.outputColumns ?? 2;
  const nodes = [
    node('ReduceMean', ['pixels'], ['ch_mean'], { axes: [2, 3], keepdims: 0 }), // [N,3]
    node('Gather', ['ch_mean', 'red_idx'], ['red'], { axis: 1 }), // [N,1]
    node('Sub', ['red', 'half'], ['red_d']),
    node('Mul', ['red_d', 'k'], ['outside_logit']),
    node('ReduceMean', ['ch_mean'], ['all_mean'], { axes: [1], keepdims: 1 }), // [N,1]
    node('Sub', ['quarter', 'all_mean'], ['dark_d']),
    node('Mul', ['dark_d', 'k'], ['dark_logit']),
    node('Concat', cols === 2 ? ['outside_logit', 'dark_logit'] : ['outside_logit', 'dark_logit', 'dark_logit'], ['scores'], { axis: 1 }),
  ];
  return buildModel({
    name: 'red_test',
    inputs: [{ name: 'pixels', shape: [opts.batch ?? 'N', 3, size, size] }],
    outputs: [{ name: 'scores', shape: [opts.batch ?? 'N', cols] }],
    nodes,
    initializers: [
      int64Tensor('red_idx', [1], [0]),
      floatTensor('half', [], [0.5]),
      floatTensor('quarter', [], [0.25]),
      floatTensor('k', [], [20]),
    ],
  });
}

export function redManifest(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'colour-outside',
    version: '1.0.0',
    file: 'outside.onnx',
    task: 'multilabel',
    labels: ['outside', 'dark'],
    input: {
      name: 'pixels',
      layout: 'NCHW',
      width: 32,
      height: 32,
      colorOrder: 'RGB',
      scale: 255,
      mean: [0, 0, 0],
      std: [1, 1, 1],
      resize: 'stretch',
    },
    output: { name: 'scores', activation: 'sigmoid' },
    thresholds: { default: 0.5 },
    smoothing: { windowSeconds: 1.0, minSegmentSeconds: 1.0 },
    ...overrides,
  };
}

/** Write a model folder (manifest.json + model file) and return the manifest path. */
export function writeModelDir(dir: string, manifest: Record<string, unknown>, bytes: Uint8Array | string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, String(manifest.file ?? 'model.onnx')), bytes);
  const p = path.join(dir, 'manifest.json');
  writeFileSync(p, JSON.stringify(manifest, null, 2));
  return p;
}

/** 30 s, 160x120 @ 25 fps: a navy scene with a red scene from 12 s to 18 s (frames 300–449). */
export function redSceneVideo(): Promise<string> {
  return generated('predict-red-12-18.mp4', (out) => [
    '-f',
    'lavfi',
    '-i',
    'color=c=navy:s=160x120:r=25:d=30',
    '-f',
    'lavfi',
    '-i',
    'color=c=red:s=160x120:r=25:d=30',
    '-filter_complex',
    "[0:v][1:v]overlay=enable='gte(t,12)*lt(t,18)'",
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    out,
  ]);
}

/** Wait until no job is queued or running (e.g. the frame count that follows an import). */
export async function waitIdle(core: Core): Promise<void> {
  for (;;) {
    const active = await core.call('jobs.list', { states: ['queued', 'running'] });
    if (!active.length) return;
    await Promise.all(active.map((j) => core.services.jobs.waitFor(j.id, 120_000)));
  }
}

/**
 * Run a prediction and wait until it is fully settled: the job is final and, when it succeeded, its after-commit
 * work (old scores file removed, `data.changed` emitted) is done.
 */
export async function predictAndWait(core: Core, input: { video: number; model?: string; fps?: number | 'all' }): Promise<JobSummary> {
  let changed!: () => void;
  const settled = new Promise<void>((resolve) => (changed = resolve));
  const unsubscribe = core.subscribe((e) => {
    if (e.type === 'data.changed' && e.videoId === input.video && e.topic === 'segments') changed();
  });
  try {
    const request: CommandInput<'predict.run'> = input;
    const { job } = await core.call('predict.run', request);
    const done = await core.services.jobs.waitFor(job.id, 300_000);
    if (done.state === 'succeeded') await settled;
    return done;
  } finally {
    unsubscribe();
  }
}

/** Import `file` into the library, wait for its follow-up jobs to finish, and return its video id. */
export async function importIdle(core: Core, file: string): Promise<number> {
  const [imp] = await importAndWait(core, [file]);
  const videoId = (imp!.output as { videoId: number }).videoId;
  await waitIdle(core);
  return videoId;
}
