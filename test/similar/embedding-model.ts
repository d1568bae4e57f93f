import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { toHalfBits } from '../../core/predict/half.js';
import { buildModel, float16Tensor, floatTensor, int64Tensor, node } from '../../core/predict/onnx-build.js';

/** Identity-like weights: the embedding is (R, G, B, R+G+B) of the frame's mean colour. */
export const COLOUR_WEIGHTS = [1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 1, 1];

/**
 * A small embedding model built here: the mean colour of the frame [N,3] times `weights` [3×4] → [N,4]; with
 * `tokens`, the same vector repeated as [N,2,4] plus ±offset so that only the mean over the tokens gives it back.
 * With `float16`, the whole graph is half precision: input, weights and output are float16 tensors.
 */
export function writeEmbeddingModel(
  dir: string,
  opts: { name: string; weights?: number[]; normalisation?: 'l2' | 'none'; tokens?: boolean; version?: string; float16?: boolean },
): string {
  mkdirSync(dir, { recursive: true });
  const weights = opts.weights ?? COLOUR_WEIGHTS;
  const nodes = [
    node('ReduceMean', ['pixels'], ['ch_mean'], { axes: [2, 3], keepdims: 0 }), // [N,3]
    node('MatMul', ['ch_mean', 'w'], [opts.tokens ? 'vec' : 'embedding']), // [N,4]
  ];
  const type = opts.float16 ? ('float16' as const) : ('float32' as const);
  const initializers = [
    opts.float16 ? float16Tensor('w', [3, 4], toHalfBits(Float32Array.from(weights))) : floatTensor('w', [3, 4], weights),
  ];
  if (opts.tokens) {
    nodes.push(
      node('Add', ['vec', 'plus'], ['t1']),
      node('Sub', ['vec', 'plus'], ['t2']),
      node('Concat', ['t1', 't2'], ['both'], { axis: 1 }), // [N,8]
      node('Reshape', ['both', 'shape'], ['embedding']), // [N,2,4]
    );
    if (opts.float16) throw new Error('the test model has tokens in float32 only');
    initializers.push(floatTensor('plus', [1, 4], [0.5, -0.25, 0.75, 1]), int64Tensor('shape', [3], [-1, 2, 4]));
  }
  const bytes = buildModel({
    name: opts.name,
    inputs: [{ name: 'pixels', shape: ['N', 3, 8, 8], type }],
    outputs: [{ name: 'embedding', shape: opts.tokens ? ['N', 2, 4] : ['N', 4], type }],
    nodes,
    initializers,
  });
  writeFileSync(path.join(dir, `${opts.name}.onnx`), bytes);
  const manifest = {
    name: opts.name,
    version: opts.version ?? '1',
    file: `${opts.name}.onnx`,
    task: 'embedding',
    input: { name: 'pixels', width: 8, height: 8, layout: 'NCHW', colorOrder: 'RGB', scale: 255 },
    output: {
      name: 'embedding',
      kind: 'embedding',
      length: 4,
      ...(opts.tokens ? { pooling: 'mean', tokens: 2 } : {}),
      normalisation: opts.normalisation ?? 'l2',
    },
  };
  const file = path.join(dir, `${opts.name}.json`);
  writeFileSync(file, JSON.stringify(manifest, null, 2));
  return file;
}
