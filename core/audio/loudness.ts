/**
 * Silence detection with auto-editor's semantics (its `audio` edit method and `--margin`), written from its
 * documented behaviour: the timeline is cut into ticks of one video frame; a tick is loud when the peak
 * |sample| of the (mono-mixed) audio inside it reaches the threshold (fraction of full scale); loud runs shorter
 * than `minClip` become silent, then silent runs shorter than `minCut` become loud; finally every loud run is
 * widened by the margin on each side. Pure: ticks in, ranges out.
 */
import { z } from 'zod';

export const loudnessOptionsSchema = z.object({
  /** Fraction of full scale (0..1]. */
  threshold: z.number().gt(0).lte(1).default(0.04),
  /** Seconds kept before and after each loud part. */
  marginBefore: z.number().min(0).max(30).default(0.2),
  marginAfter: z.number().min(0).max(30).default(0.2),
  /** Loud parts shorter than this (seconds) are treated as silence. */
  minClip: z.number().min(0).max(60).default(0.1),
  /** Silent parts shorter than this (seconds) are kept. */
  minCut: z.number().min(0).max(60).default(0.2),
});
export type LoudnessOptions = z.output<typeof loudnessOptionsSchema>;

/** "0.04", "4%", "-28dB" → a linear fraction of full scale. */
export function parseThreshold(text: string): number | null {
  const t = text.trim();
  const db = /^(-?\d+(?:\.\d+)?)\s*db$/i.exec(t);
  if (db) return Math.pow(10, Number(db[1]) / 20);
  const pct = /^(\d+(?:\.\d+)?)\s*%$/.exec(t);
  if (pct) return Number(pct[1]) / 100;
  const n = Number(t);
  return Number.isFinite(n) && t !== '' ? n : null;
}

/**
 * Peak level per tick from streamed samples. Tick boundaries follow the exact (fractional) number of samples
 * per tick with the rounding error carried forward, so ticks never drift from the frame grid.
 */
export class TickPeakMeter {
  readonly peaks: number[] = [];
  private readonly exact: number;
  private carry = 0;
  private size: number;
  private filled = 0;
  private peak = 0;

  constructor(
    sampleRate: number,
    ticksPerSecond: number,
    private readonly channels: number,
  ) {
    this.exact = sampleRate / ticksPerSecond;
    this.size = this.nextSize();
  }

  private nextSize(): number {
    const want = this.exact + this.carry;
    const size = Math.max(1, Math.round(want));
    this.carry = want - size;
    return size;
  }

  /** Interleaved samples; the peak of a sample frame is over all channels. */
  push(samples: Float32Array): void {
    const ch = this.channels;
    for (let i = 0; i < samples.length; i += ch) {
      let m = 0;
      for (let c = 0; c < ch; c++) {
        const v = Math.abs(samples[i + c]!);
        if (v > m) m = v;
      }
      if (m > this.peak) this.peak = m;
      if (++this.filled === this.size) {
        this.peaks.push(this.peak);
        this.peak = 0;
        this.filled = 0;
        this.size = this.nextSize();
      }
    }
  }
}

/** Runs of `value` shorter than `limit` ticks are set to the opposite value. */
export function removeShortRuns(flags: boolean[], value: boolean, limit: number): void {
  let start = -1;
  for (let i = 0; i <= flags.length; i++) {
    const v = i < flags.length ? flags[i] : !value;
    if (v === value) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      if (i - start < limit) for (let j = start; j < i; j++) flags[j] = !value;
      start = -1;
    }
  }
}

/** Widen every loud run by `before` ticks at its start and `after` ticks at its end. */
export function widenLoudRuns(flags: boolean[], before: number, after: number): boolean[] {
  const out = [...flags];
  for (let i = 1; i < flags.length; i++) {
    if (flags[i] && !flags[i - 1]) for (let j = Math.max(0, i - before); j < i; j++) out[j] = true;
    if (!flags[i] && flags[i - 1]) for (let j = i; j < Math.min(flags.length, i + after); j++) out[j] = true;
  }
  return out;
}

export interface TickRange {
  /** Ticks (frames), half-open. */
  start: number;
  end: number;
}

/** Half-open runs of `value`. */
export function runsOf(flags: boolean[], value: boolean): TickRange[] {
  const out: TickRange[] = [];
  let start = -1;
  for (let i = 0; i <= flags.length; i++) {
    const v = i < flags.length ? flags[i] : !value;
    if (v === value && start < 0) start = i;
    else if (v !== value && start >= 0) {
      out.push({ start, end: i });
      start = -1;
    }
  }
  return out;
}

/** Which ticks to keep (true = loud, after smoothing and margins). */
export function loudTicks(peaks: number[], ticksPerSecond: number, opts: LoudnessOptions): boolean[] {
  const ticks = (s: number) => Math.round(s * ticksPerSecond);
  const flags = peaks.map((p) => p >= opts.threshold);
  removeShortRuns(flags, true, ticks(opts.minClip));
  removeShortRuns(flags, false, ticks(opts.minCut));
  return widenLoudRuns(flags, ticks(opts.marginBefore), ticks(opts.marginAfter));
}
