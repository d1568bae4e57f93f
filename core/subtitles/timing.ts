/**
 * Pure timing helpers on cues (times in ms). Speech segments come from any voice activity detector as
 * `{ startMs, endMs }` (half-open), sorted or not.
 */
import type { Cue } from './types.js';

export interface SpeechSegment {
  startMs: number;
  endMs: number;
}

type Timed = Pick<Cue, 'startMs' | 'endMs'>;

/** Shift by `offsetMs` (may be negative); cues pushed before 0 are clamped (a cue cannot become empty). */
export function shiftTime<T extends Timed>(c: T, offsetMs: number, durationMs: number): T {
  const len = c.endMs - c.startMs;
  let start = c.startMs + offsetMs;
  start = Math.max(0, Math.min(start, durationMs - 1));
  const end = Math.max(start + 1, Math.min(start + len, durationMs));
  return { ...c, startMs: start, endMs: end };
}

/**
 * Stretch to fix drift: the linear map that takes `a.fromMs` → `a.toMs` and `b.fromMs` → `b.toMs` (two
 * anchor points: where a cue is now and where it should be), applied to every start and end.
 */
export function stretchMap(a: { fromMs: number; toMs: number }, b: { fromMs: number; toMs: number }): (ms: number) => number {
  if (a.fromMs === b.fromMs) throw new RangeError('The two anchors must be at different times');
  const scale = (b.toMs - a.toMs) / (b.fromMs - a.fromMs);
  if (!(scale > 0)) throw new RangeError('The anchors would reverse the order of the cues');
  return (ms) => Math.round(a.toMs + (ms - a.fromMs) * scale);
}

export function stretchTime<T extends Timed>(c: T, map: (ms: number) => number, durationMs: number): T {
  const start = Math.max(0, Math.min(map(c.startMs), durationMs - 1));
  const end = Math.max(start + 1, Math.min(map(c.endMs), durationMs));
  return { ...c, startMs: start, endMs: end };
}

/**
 * Snap a cue's edges to the nearest speech boundary within `toleranceMs`: the start to the nearest speech
 * onset, the end to the nearest speech offset. An edge with no boundary near it stays where it is.
 */
export function snapToSpeech<T extends Timed>(c: T, speech: readonly SpeechSegment[], toleranceMs: number): T {
  const nearest = (ms: number, points: number[]) => {
    let best: number | null = null;
    for (const p of points) if (Math.abs(p - ms) <= toleranceMs && (best === null || Math.abs(p - ms) < Math.abs(best - ms))) best = p;
    return best;
  };
  const start = nearest(
    c.startMs,
    speech.map((s) => s.startMs),
  );
  const end = nearest(
    c.endMs,
    speech.map((s) => s.endMs),
  );
  const s = start ?? c.startMs;
  const e = end ?? c.endMs;
  return e > s ? { ...c, startMs: s, endMs: e } : c;
}

/**
 * Empty cues from speech: one per speech segment, long ones cut into pieces of at most `maxMs` and pauses
 * shorter than `joinGapMs` bridged, as a start for typing a transcript by hand.
 */
export function cuesFromSpeech(
  speech: readonly SpeechSegment[],
  opts: { maxMs?: number; minMs?: number; joinGapMs?: number; durationMs: number },
): Array<{ startMs: number; endMs: number }> {
  const maxMs = opts.maxMs ?? 6000;
  const minMs = opts.minMs ?? 700;
  const joinGap = opts.joinGapMs ?? 300;
  const sorted = [...speech].filter((s) => s.endMs > s.startMs).sort((a, b) => a.startMs - b.startMs);
  const joined: SpeechSegment[] = [];
  for (const s of sorted) {
    const last = joined[joined.length - 1];
    if (last && s.startMs - last.endMs < joinGap && s.endMs - last.startMs <= maxMs) last.endMs = Math.max(last.endMs, s.endMs);
    else joined.push({ ...s });
  }
  const out: Array<{ startMs: number; endMs: number }> = [];
  for (const s of joined) {
    const start = Math.max(0, Math.round(s.startMs));
    const end = Math.min(opts.durationMs, Math.round(s.endMs));
    if (end - start < 1) continue;
    const pieces = Math.max(1, Math.ceil((end - start) / maxMs));
    for (let i = 0; i < pieces; i++) {
      const a = start + Math.round(((end - start) * i) / pieces);
      const b = start + Math.round(((end - start) * (i + 1)) / pieces);
      out.push({ startMs: a, endMs: Math.min(opts.durationMs, Math.max(b, a + minMs)) });
    }
  }
  for (let i = 1; i < out.length; i++) if (out[i]!.startMs < out[i - 1]!.endMs) out[i - 1]!.endMs = out[i]!.startMs;
  return out.filter((c) => c.endMs > c.startMs);
}

/**
 * Enforce reading speed and the minimum gap where the timeline allows it: a cue read too fast is lengthened
 * (up to the next cue minus the gap, or the video's end); a cue too close to (or overlapping) the next one is
 * shortened to leave the gap (never below one millisecond). What cannot be fixed stays a warning.
 */
export function enforceTiming<T extends Timed & { text: string }>(
  cues: readonly T[],
  rules: { maxCharsPerSecond: number; minGapMs: number },
  durationMs: number,
  textLength: (text: string) => number,
): T[] {
  const sorted = [...cues].sort((a, b) => a.startMs - b.startMs);
  return sorted.map((c, i) => {
    const next = sorted[i + 1];
    const limit = next ? next.startMs - rules.minGapMs : durationMs;
    const needed = c.startMs + Math.ceil((textLength(c.text) / rules.maxCharsPerSecond) * 1000);
    let end = c.endMs;
    if (needed > end) end = Math.max(end, Math.min(needed, limit));
    if (end > limit) end = Math.max(c.startMs + 1, limit);
    return end === c.endMs ? c : { ...c, endMs: end };
  });
}
