/**
 * Speech probabilities per 32 ms window → speech segments (seconds), with hysteresis: speech starts when the
 * probability reaches `threshold` and ends after it stayed below `threshold - 0.15` for `minSilence`; segments
 * shorter than `minSpeech` are dropped and each is padded by `pad` (clamped to its neighbours). Pure.
 */
import { z } from 'zod';

export const speechOptionsSchema = z.object({
  threshold: z.number().gt(0).lt(1).default(0.5),
  /** Seconds. */
  minSpeech: z.number().min(0).max(10).default(0.25),
  minSilence: z.number().min(0).max(10).default(0.1),
  pad: z.number().min(0).max(5).default(0.03),
});
export type SpeechOptions = z.output<typeof speechOptionsSchema>;

export interface TimeRange {
  start: number;
  end: number;
}

export function speechSegments(probs: ArrayLike<number>, windowSeconds: number, duration: number, opts: SpeechOptions): TimeRange[] {
  const neg = Math.max(opts.threshold - 0.15, 0.01);
  const raw: TimeRange[] = [];
  let inSpeech = false;
  let start = 0;
  let quietSince = -1;
  for (let i = 0; i < probs.length; i++) {
    const p = probs[i]!;
    const t = i * windowSeconds;
    if (p >= opts.threshold) {
      quietSince = -1;
      if (!inSpeech) {
        inSpeech = true;
        start = t;
      }
    } else if (inSpeech && p < neg) {
      if (quietSince < 0) quietSince = t;
      if (t + windowSeconds - quietSince >= opts.minSilence) {
        raw.push({ start, end: quietSince });
        inSpeech = false;
        quietSince = -1;
      }
    }
  }
  if (inSpeech) raw.push({ start, end: Math.min(duration, probs.length * windowSeconds) });
  const kept = raw.filter((r) => r.end - r.start >= opts.minSpeech);
  // Pad, never past the neighbours' padded edges nor the media.
  const out: TimeRange[] = [];
  for (let i = 0; i < kept.length; i++) {
    const r = kept[i]!;
    const prev = out[out.length - 1];
    let s = Math.max(0, r.start - opts.pad);
    const e = Math.min(duration, r.end + opts.pad);
    if (prev && s <= prev.end) {
      prev.end = Math.max(prev.end, e);
      continue;
    }
    s = Math.max(s, prev?.end ?? 0);
    out.push({ start: s, end: e });
  }
  return out;
}

/** Widen ranges by `margin` seconds on each side and merge overlaps (muting must cover each whole word). */
export function widenRanges(ranges: TimeRange[], margin: number, duration: number): TimeRange[] {
  const out: TimeRange[] = [];
  for (const r of [...ranges].sort((a, b) => a.start - b.start)) {
    const s = Math.max(0, r.start - margin);
    const e = Math.min(duration, r.end + margin);
    const prev = out[out.length - 1];
    if (prev && s <= prev.end) prev.end = Math.max(prev.end, e);
    else out.push({ start: s, end: e });
  }
  return out;
}
