import os from 'node:os';
import type { TensorSpec } from './inference-protocol.js';

/** Whole 32-bit words of a byte array hold its bytes in little-endian order on this machine. */
const LITTLE_ENDIAN = os.endianness() === 'LE';

/**
 * Packed 8-bit frames (H×W×3 each) → the model's float32 input in its layout, through per-channel lookup tables.
 * Written into `out` when given (at least count × H × W × 3 long: the worker reuses one), else a new array.
 *
 * This runs once per pixel and channel of every frame, in the inference worker beside ffmpeg's decoder. Reading
 * the bytes four at a time (three 32-bit words = four RGB pixels) takes about half the CPU of byte-by-byte
 * reads (measured on 160×160 frames: 0.22 vs 0.5 CPU-s per 1800 frames); frames whose pixel count is not a
 * multiple of 4, or bytes not 4-aligned, take the byte-by-byte path. Both give the same values.
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
  const byWords = LITTLE_ENDIAN && hw % 4 === 0 && pixels.byteOffset % 4 === 0;
  if (byWords) {
    const words = new Uint32Array(pixels.buffer, pixels.byteOffset, (count * hw * 3) / 4);
    if (s.layout === 'NHWC') nhwcWords(words, count * hw, l0, l1, l2, out);
    else for (let k = 0; k < count; k++) nchwWords(words, k * hw, hw, l0, l1, l2, out);
    return out;
  }
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

/** One frame (`hw` pixels from pixel `first`, hw a multiple of 4) into planes: 3 words = 4 pixels per step. */
function nchwWords(
  words: Uint32Array,
  first: number,
  hw: number,
  l0: Float32Array,
  l1: Float32Array,
  l2: Float32Array,
  out: Float32Array,
): void {
  const o0 = first * 3;
  const o1 = o0 + hw;
  const o2 = o1 + hw;
  for (let i = 0, w = (first * 3) / 4; i < hw; i += 4, w += 3) {
    const a = words[w]!;
    const b = words[w + 1]!;
    const c = words[w + 2]!;
    out[o0 + i] = l0[a & 255]!;
    out[o1 + i] = l1[(a >>> 8) & 255]!;
    out[o2 + i] = l2[(a >>> 16) & 255]!;
    out[o0 + i + 1] = l0[a >>> 24]!;
    out[o1 + i + 1] = l1[b & 255]!;
    out[o2 + i + 1] = l2[(b >>> 8) & 255]!;
    out[o0 + i + 2] = l0[(b >>> 16) & 255]!;
    out[o1 + i + 2] = l1[b >>> 24]!;
    out[o2 + i + 2] = l2[c & 255]!;
    out[o0 + i + 3] = l0[(c >>> 8) & 255]!;
    out[o1 + i + 3] = l1[(c >>> 16) & 255]!;
    out[o2 + i + 3] = l2[c >>> 24]!;
  }
}

/** `pixels` pixels (a multiple of 4) kept interleaved: 3 words = 4 pixels = 12 values per step. */
function nhwcWords(words: Uint32Array, pixels: number, l0: Float32Array, l1: Float32Array, l2: Float32Array, out: Float32Array): void {
  for (let p = 0, w = 0, n = pixels * 3; p < n; p += 12, w += 3) {
    const a = words[w]!;
    const b = words[w + 1]!;
    const c = words[w + 2]!;
    out[p] = l0[a & 255]!;
    out[p + 1] = l1[(a >>> 8) & 255]!;
    out[p + 2] = l2[(a >>> 16) & 255]!;
    out[p + 3] = l0[a >>> 24]!;
    out[p + 4] = l1[b & 255]!;
    out[p + 5] = l2[(b >>> 8) & 255]!;
    out[p + 6] = l0[(b >>> 16) & 255]!;
    out[p + 7] = l1[b >>> 24]!;
    out[p + 8] = l2[c & 255]!;
    out[p + 9] = l0[(c >>> 8) & 255]!;
    out[p + 10] = l1[(c >>> 16) & 255]!;
    out[p + 11] = l2[c >>> 24]!;
  }
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
