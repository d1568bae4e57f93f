/**
 * How densely a video is read for text (pure arithmetic, shared by the pre-render scan and verification).
 * Every `step`-th frame is read (frames 0, step, 2·step, …), with step = floor(flash·fps), flash = 0.5 s: text
 * shown for 0.5 s anywhere in the video is always sampled. Short videos are read more densely so that at least
 * `minFrames` samples (or every frame, when it has fewer) are read.
 *
 * Why floor(0.5·fps) and not less (proof; checked over every phase in test/anonymize/sampling.test.ts):
 *  - The video is CFR: the render stamps output frame k at k/fps (setpts=N/(fps·TB)), whatever the source's
 *    timing; the scan and verification number frames as decoded (frame-stream.ts), i.e. these k.
 *  - Text shown for 0.5 s: the frames that show it are those whose time k/fps lies in a window of 0.5 s —
 *    closed, [a, a+0.5] as ffmpeg's drawtext `between(t,a,a+0.5)`, or half-open [a, a+0.5) as a displayed
 *    frame's interval. The integers k in a window of length m = 0.5·fps (in frame units) number floor(m) or
 *    more, whatever its phase, and they are consecutive.
 *  - Any r = floor(m) consecutive integers hold a multiple of every s ≤ r (between two multiples of s lie s − 1
 *    integers). So with step ≤ floor(0.5·fps) one of the text's frames is a sample, and it lies inside the
 *    video (the text is shown on it). step = floor(0.5·fps) + 1 misses some phase: the bound is tight.
 *  - fps < 2: floor(0.5·fps) = 0, step = 1: every frame is read. minFrames only makes the step smaller.
 *  - `promisedSamples` accepts one sample less than expected: that happens only when the file has one frame
 *    less than planned (frames are streamed from one decode of the whole file), and then every flash inside the
 *    frames it has still holds a sample (the missing sample is the nonexistent last frame).
 *  - A cut may shorten a flash of the source in the output: what the output shows for less than 0.5 s is not
 *    promised (nor was it with any other step).
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

/** The shortest display (seconds) of text that is always sampled; the step is floor(this·fps) frames. */
export const DEFAULT_MAX_INTERVAL = 0.5;
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
  // floor(maxInterval·num/den); the epsilon only absorbs float error when the product is a whole number.
  let step = Math.max(1, Math.floor((maxInterval * fps.num) / fps.den + 1e-9));
  // ceil(n / step) ≥ minFrames  ⇐  step ≤ floor(n / minFrames)
  if (Math.ceil(n / step) < minFrames) step = Math.max(1, Math.floor(n / minFrames));
  const expectedSamples = Math.ceil(n / step);
  const promisedSamples = Math.max(1, Math.ceil((n - 1) / step));
  return { step, interval: step / rate, expectedSamples, promisedSamples };
}
