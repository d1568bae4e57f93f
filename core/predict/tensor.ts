import type { TensorSpec } from './inference-protocol.js';

/**
 * Packed 8-bit frames (H×W×3 each) → the model's float32 input in its layout, through per-channel lookup tables.
 * Written into `out` when given (at least count × H × W × 3 long: the worker reuses one), else a new array.
 */
export function toTensorData(
  pixels: Uint8Array,
  count: number,
  s: TensorSpec,
  tables: Float32Array[],
  out: Float32Array = new Float32Array(count * s.width * s.height * 3),
): Float32Array {
  const hw = s.width * s.height;
  const [l0, l1, l2] = tables as [Float32Array, Float32Array, Float32Array];
  if (s.layout === 'NHWC') {
    for (let i = 0, n = count * hw; i < n; i++) {
      const p = i * 3;
      out[p] = l0[pixels[p]!]!;
      out[p + 1] = l1[pixels[p + 1]!]!;
      out[p + 2] = l2[pixels[p + 2]!]!;
    }
    return out;
  }
  for (let k = 0; k < count; k++) {
    const src = k * hw * 3;
    const dst = k * hw * 3;
    for (let i = 0; i < hw; i++) {
      const p = src + i * 3;
      out[dst + i] = l0[pixels[p]!]!;
      out[dst + hw + i] = l1[pixels[p + 1]!]!;
      out[dst + 2 * hw + i] = l2[pixels[p + 2]!]!;
    }
  }
  return out;
}

/** Apply the manifest's output activation in place to row-major scores [count × labels]. */
export function activate(scores: Float32Array, count: number, s: TensorSpec): void {
  const L = s.labels;
  if (s.activation === 'sigmoid') {
    for (let i = 0; i < scores.length; i++) scores[i] = 1 / (1 + Math.exp(-scores[i]!));
  } else if (s.activation === 'softmax') {
    for (let r = 0; r < count; r++) {
      let max = -Infinity;
      for (let l = 0; l < L; l++) max = Math.max(max, scores[r * L + l]!);
      let sum = 0;
      for (let l = 0; l < L; l++) sum += scores[r * L + l] = Math.exp(scores[r * L + l]! - max);
      for (let l = 0; l < L; l++) scores[r * L + l]! /= sum;
    }
  }
}
