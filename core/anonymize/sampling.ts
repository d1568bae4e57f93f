/**
 * How densely a video is read for text (pure arithmetic, shared by the pre-render scan and verification).
 * Every `step`-th frame is read (frames 0, step, 2·step, …), so any text shown for `flash` seconds (0.5 s)
 * covers at least one sample: step ≤ maxInterval·fps with maxInterval < flash. Short videos are read more
 * densely so that at least `minFrames` samples (or every frame, when it has fewer) are read.
 */
export interface SamplingPlan {
  /** Frames between samples (≥ 1). */
  step: number;
  /** Seconds between samples. */
  interval: number;
  /** Samples a file of `frameCount` frames yields: ceil(frameCount / step). */
  expectedSamples: number;
  /** Fewest samples verification accepts: the expected count for one frame less (one frame of tolerance). */
  promisedSamples: number;
}

export const DEFAULT_MAX_INTERVAL = 0.4;
export const DEFAULT_MIN_FRAMES = 24;

export function samplingPlan(
  frameCount: number,
  fps: { num: number; den: number },
  opts: { maxInterval?: number; minFrames?: number } = {},
): SamplingPlan {
  const n = Math.max(1, Math.floor(frameCount));
  const rate = fps.num / fps.den;
  const maxInterval = Math.max(1e-6, opts.maxInterval ?? DEFAULT_MAX_INTERVAL);
  const minFrames = Math.max(1, Math.floor(opts.minFrames ?? DEFAULT_MIN_FRAMES));
  let step = Math.max(1, Math.floor(maxInterval * rate + 1e-9));
  // ceil(n / step) ≥ minFrames  ⇐  step ≤ floor(n / minFrames)
  if (Math.ceil(n / step) < minFrames) step = Math.max(1, Math.floor(n / minFrames));
  const expectedSamples = Math.ceil(n / step);
  const promisedSamples = Math.max(1, Math.ceil((n - 1) / step));
  return { step, interval: step / rate, expectedSamples, promisedSamples };
}
