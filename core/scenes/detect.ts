/**
 * Scene detection over a whole video: ffmpeg decodes and downscales (≈256 px wide, PySceneDetect's integer
 * downscale factor) straight into a pipe; each frame goes through the detector and is dropped, so memory stays
 * flat whatever the length. The downscale is swscale's nearest neighbour, straight to RGB in one pass: at
 * PySceneDetect's odd integer factors (7 for 1080p) OpenCV's INTER_LINEAR resize it uses samples one source pixel
 * too, and it reads only the rows it keeps (fast_bilinear still filters every row; the antialiased resize cost
 * about 60 % more CPU than decoding alone). Frame numbers and times are the frames' presentation timestamps.
 */
import type { Ffmpeg } from '../ffmpeg/index.js';
import { decodeFrames } from '../ffmpeg/decode-frames.js';
import { FramewiseError } from '../util/errors.js';
import type { Fraction } from '../util/fraction.js';
import { createDetector, type FrameSize } from './detectors.js';
import type { FrameRef } from './flash-filter.js';
import { minSceneSeconds, type SceneParams } from './params.js';

/**
 * Frames ffmpeg may decode ahead while the detector works on one (≈ 4 MB at 274×154). Without it the pipe holds
 * about one frame, so ffmpeg's main thread (and with it the decoder threads it feeds) stalls during every frame's
 * HSV pass: decoding and detection ran one after the other instead of side by side (docs/benchmarks.md).
 */
const DECODE_AHEAD = 32;

/**
 * Decoder options for detection: no in-loop deblocking on frames no other frame predicts from (`noref`: most
 * B-frames). The filter smooths block edges a few pixels wide, which a ≈ 256 px analysis frame (one source pixel
 * in 7 at 1080p) hardly sees, and it is 6–13 % of an H.264 decode. Only non-reference frames, so the difference
 * stays in the frame and never drifts into the frames decoded from it: `all` (every frame) moved bikes.mp4's
 * scores by up to 1.8 and lost its cut at 76. Decoders without a loop filter ignore it; never `-skip_frame`
 * (every frame is scored). Evidence in docs/scenes.md.
 */
export const DETECT_DECODE = ['-skip_loop_filter', 'noref'];

export interface Scene {
  /** Seconds, half-open [start, end). */
  start: number;
  end: number;
  /** Frame numbers on the numbering rate, half-open [startFrame, endFrame). */
  startFrame: number;
  endFrame: number;
}

export interface Detection {
  params: SceneParams;
  /** The rate frame numbers are counted on (the nominal rate for variable-frame-rate files). */
  fps: Fraction;
  frameSize: FrameSize;
  /** Decoded frames. */
  frames: number;
  /** Frame numbers (PTS) where a new scene starts, without 0. */
  cuts: FrameRef[];
  scenes: Scene[];
  /** The detector's score per frame number (NaN where no frame has that number, e.g. dropped frames). */
  scores: Float32Array;
}

/** PySceneDetect's downscale: an integer factor bringing the width near 256 px (never upscaling). */
export function analysisSize(displayWidth: number, displayHeight: number): FrameSize {
  const factor = Math.max(1, Math.floor(displayWidth / 256));
  const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);
  return { width: even(displayWidth / factor), height: even(displayHeight / factor) };
}

export interface DetectInput {
  file: string;
  display: { width: number; height: number };
  fps: Fraction;
  duration: number;
}

export async function detectScenes(
  ffmpeg: Ffmpeg,
  v: DetectInput,
  params: SceneParams,
  opts: {
    signal?: AbortSignal;
    onProgress?: (fraction: number) => void;
    /** 'fast' (default): {@link DETECT_DECODE}; 'full': the decoder's defaults (for measuring the difference). */
    decode?: 'fast' | 'full';
  } = {},
): Promise<Detection> {
  const size = analysisSize(v.display.width, v.display.height);
  const detector = createDetector(params, size, minSceneSeconds(params.minSceneLen, v.fps));
  let last: { frame: number; time: number } | null = null;
  let scores = new Float32Array(Math.max(16, Math.ceil((v.duration * v.fps.num) / v.fps.den) + 8)).fill(NaN);
  const cuts: FrameRef[] = [];
  let index = 0;
  let lastReport = 0;
  for await (const f of decodeFrames(
    ffmpeg,
    v.file,
    { ...size, colorOrder: 'RGB', resize: 'stretch', scaler: 'point' },
    { fps: v.fps, sampleFps: null },
    {
      queueFrames: DECODE_AHEAD,
      // Every frame of the whole video: receiving them through stdout cost node more than the detector does.
      transport: 'fifo',
      ...(opts.decode === 'full' ? {} : { decoderOptions: DETECT_DECODE }),
      ...(opts.signal ? { signal: opts.signal } : {}),
    },
  )) {
    const found = detector.push({ index, time: f.time }, f.data);
    cuts.push(...found);
    last = { frame: f.frame, time: f.time };
    if (f.frame >= scores.length) {
      const grown = new Float32Array(Math.max(f.frame + 1, scores.length * 2)).fill(NaN);
      grown.set(scores);
      scores = grown;
    }
    scores[f.frame] = detector.score;
    index++;
    if (opts.onProgress && v.duration > 0 && f.time - lastReport >= 0.5) {
      lastReport = f.time;
      opts.onProgress(Math.min(1, f.time / v.duration));
    }
  }
  cuts.push(...detector.finish());
  if (!last) throw new FramewiseError('undecodable', `${v.file}: no video frame could be decoded`);
  const frameOf = (c: FrameRef) => ({ frame: Math.round((c.time * v.fps.num) / v.fps.den), time: c.time });
  const frameDuration = v.fps.den / v.fps.num;
  const endFrame = last.frame + 1;
  const endTime = Math.max(last.time + frameDuration, 0);
  const starts = [{ frame: 0, time: 0 }, ...cuts.map(frameOf)].filter((s, i, all) => i === 0 || s.frame > all[i - 1]!.frame);
  const scenes: Scene[] = starts.map((s, i) => {
    const next = starts[i + 1];
    return { start: s.time, end: next ? next.time : endTime, startFrame: s.frame, endFrame: next ? next.frame : endFrame };
  });
  return {
    params,
    fps: v.fps,
    frameSize: size,
    frames: index,
    cuts: cuts.map((c) => ({ index: frameOf(c).frame, time: frameOf(c).time })),
    scenes,
    scores: scores.slice(0, endFrame),
  };
}
