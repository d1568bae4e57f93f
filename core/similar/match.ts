/**
 * Near-duplicate matching of two fingerprint sequences. The copy may be trimmed at either end, so every offset
 * (in samples) is tried; at each, the overlapping samples are compared and the share whose hashes differ in at
 * most `MATCH_BITS` bits is the score. An offset counts only when the overlap covers enough of the shorter
 * video, so two videos sharing one static frame are not called duplicates.
 */
import { popcount32 } from './phash.js';

/** Hashes differing in at most this many of 64 bits are the same picture. */
export const MATCH_BITS = 12;
/** The overlap must cover this share of the shorter sequence (and at least MIN_OVERLAP samples). */
export const MIN_OVERLAP_SHARE = 0.5;
export const MIN_OVERLAP = 4;

export interface SequenceMatch {
  /** Share of the overlapping samples that match, 0..1. */
  score: number;
  /** Samples of `b` to shift against `a` (b[i] ↔ a[i + offset]). */
  offset: number;
  overlap: number;
}

/** `a` and `b` hold two 32-bit words (high, low) per 64-bit hash. */
export function matchSequences(wa: Uint32Array, wb: Uint32Array): SequenceMatch | null {
  const a = { length: wa.length >> 1 };
  const b = { length: wb.length >> 1 };
  const shorter = Math.min(a.length, b.length);
  const need = Math.max(Math.min(MIN_OVERLAP, shorter), Math.ceil(shorter * MIN_OVERLAP_SHARE));
  if (!shorter) return null;
  let best: SequenceMatch | null = null;
  for (let offset = -(b.length - 1); offset < a.length; offset++) {
    const from = Math.max(0, -offset);
    const to = Math.min(b.length, a.length - offset);
    const overlap = to - from;
    if (overlap < need) continue;
    let hits = 0;
    for (let i = from; i < to; i++) {
      const j = i + offset;
      const d = popcount32(wa[2 * j]! ^ wb[2 * i]!) + popcount32(wa[2 * j + 1]! ^ wb[2 * i + 1]!);
      if (d <= MATCH_BITS) hits++;
    }
    const score = hits / overlap;
    if (!best || score > best.score || (score === best.score && overlap > best.overlap)) best = { score, offset, overlap };
  }
  return best;
}
