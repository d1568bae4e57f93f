/**
 * From per-sample scores to time segments per label (pure functions, no I/O).
 *
 * 1. Centered moving average over `windowSeconds` (sample i averages every sample within ±window/2 of t_i, so
 *    nothing shifts in time).
 * 2. Hysteresis: a segment starts at the first sample whose smoothed score is ≥ threshold and lasts while the
 *    smoothed score stays ≥ threshold − hysteresis.
 * 3. Segments separated by a gap shorter than `mergeGapSeconds` are merged; then segments shorter than
 *    `minSegmentSeconds` are dropped.
 * A segment is half-open: [start, end) in seconds and [startFrame, endFrame) in frames. It starts at the first
 * sample in it and ends at the first sample after it (or at the end of the video), so each boundary lies
 * within one sample interval of the true change.
 */

export interface SegmentParams {
  /** Per-label thresholds; `default` for the others. */
  thresholds: { default: number } & Record<string, number>;
  windowSeconds: number;
  minSegmentSeconds: number;
  mergeGapSeconds: number;
  hysteresis: number;
}

export interface ScoreSeries {
  labels: string[];
  /** Sample times in seconds (increasing). */
  times: Float64Array;
  /** Frame number of each sample (from 0). */
  frames: Uint32Array;
  /** Row-major [samples × labels]. */
  scores: Float32Array;
}

export interface ComputedSegment {
  label: string;
  start: number;
  end: number;
  startFrame: number;
  endFrame: number;
  meanScore: number;
  maxScore: number;
}

export interface VideoExtent {
  /** Seconds. */
  duration: number;
  /** Total frames (exclusive end frame of a segment that runs to the end). */
  frameCount: number;
  /**
   * Duration of one video frame. Sampled frames sit on the video's frame grid, up to one frame away from the ideal
   * k/N times; the smoothing window is widened by half a frame on each side so that jitter does not make it lopsided.
   */
  frameDuration?: number;
}

export const defaultSegmentParams: SegmentParams = {
  thresholds: { default: 0.5 },
  windowSeconds: 1,
  minSegmentSeconds: 1,
  mergeGapSeconds: 0.5,
  hysteresis: 0.1,
};

export function thresholdOf(params: SegmentParams, label: string): number {
  const t = params.thresholds[label];
  return typeof t === 'number' ? t : params.thresholds.default;
}

/** Centered moving average of `values` at `times` over a window of `windowSeconds` (two pointers, O(n)). */
export function centeredMovingAverage(
  times: ArrayLike<number>,
  values: ArrayLike<number>,
  windowSeconds: number,
  toleranceSeconds = 0,
): Float64Array {
  const n = values.length;
  const out = new Float64Array(n);
  if (windowSeconds <= 0) {
    for (let i = 0; i < n; i++) out[i] = values[i]!;
    return out;
  }
  const half = windowSeconds / 2 + toleranceSeconds + 1e-9;
  let lo = 0;
  let hi = 0; // exclusive
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const t = times[i]!;
    while (hi < n && times[hi]! <= t + half) sum += values[hi++]!;
    while (lo < n && times[lo]! < t - half) sum -= values[lo++]!;
    out[i] = sum / (hi - lo);
  }
  return out;
}

/** Runs of samples [first, afterLast) where the smoothed series is "on" by hysteresis. */
export function hysteresisRuns(smoothed: ArrayLike<number>, enter: number, leave: number): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  let start = -1;
  for (let i = 0; i < smoothed.length; i++) {
    const v = smoothed[i]!;
    if (start < 0) {
      if (v >= enter) start = i;
    } else if (v < leave) {
      runs.push([start, i]);
      start = -1;
    }
  }
  if (start >= 0) runs.push([start, smoothed.length]);
  return runs;
}

interface Span {
  start: number;
  end: number;
  startFrame: number;
  endFrame: number;
  first: number;
  afterLast: number;
}

/** Segments of one label. */
export function segmentsForLabel(series: ScoreSeries, labelIndex: number, params: SegmentParams, extent: VideoExtent): ComputedSegment[] {
  const n = series.times.length;
  const L = series.labels.length;
  const label = series.labels[labelIndex]!;
  if (!n) return [];
  const raw = new Float64Array(n);
  for (let i = 0; i < n; i++) raw[i] = series.scores[i * L + labelIndex]!;
  const smoothed = centeredMovingAverage(series.times, raw, params.windowSeconds, (extent.frameDuration ?? 0) / 2);
  const enter = thresholdOf(params, label);
  const leave = enter - params.hysteresis;
  const spans: Span[] = hysteresisRuns(smoothed, enter, leave).map(([first, afterLast]) => ({
    first,
    afterLast,
    start: series.times[first]!,
    startFrame: series.frames[first]!,
    end: afterLast < n ? series.times[afterLast]! : Math.max(extent.duration, series.times[n - 1]!),
    endFrame: afterLast < n ? series.frames[afterLast]! : Math.max(extent.frameCount, series.frames[n - 1]! + 1),
  }));
  const merged: Span[] = [];
  for (const s of spans) {
    const prev = merged[merged.length - 1];
    if (prev && s.start - prev.end < params.mergeGapSeconds) {
      prev.end = s.end;
      prev.endFrame = s.endFrame;
      prev.afterLast = s.afterLast;
    } else merged.push({ ...s });
  }
  const out: ComputedSegment[] = [];
  for (const s of merged) {
    if (s.end - s.start < params.minSegmentSeconds || s.endFrame <= s.startFrame) continue;
    let sum = 0;
    let max = -Infinity;
    for (let i = s.first; i < s.afterLast; i++) {
      sum += raw[i]!;
      if (raw[i]! > max) max = raw[i]!;
    }
    const count = s.afterLast - s.first;
    out.push({
      label,
      start: s.start,
      end: s.end,
      startFrame: s.startFrame,
      endFrame: s.endFrame,
      meanScore: count ? sum / count : 0,
      maxScore: count ? max : 0,
    });
  }
  return out;
}

/** Segments of every label, ordered by label order then start. */
export function computeSegments(series: ScoreSeries, params: SegmentParams, extent: VideoExtent): ComputedSegment[] {
  return series.labels.flatMap((_, i) => segmentsForLabel(series, i, params, extent));
}
