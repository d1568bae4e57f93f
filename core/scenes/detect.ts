/**
 * Scene detection over a whole video: ffmpeg decodes and downscales (≈256 px wide, PySceneDetect's integer
 * downscale factor) straight into a pipe; each frame goes through the detector and is dropped, so memory stays
 * flat whatever the length. The downscale is swscale's nearest neighbour, straight to RGB in one pass: at
 * PySceneDetect's odd integer factors (7 for 1080p) OpenCV's INTER_LINEAR resize it uses samples one source pixel
 * too, and it reads only the rows it keeps (fast_bilinear still filters every row; the antialiased resize cost
 * about 60 % more CPU than decoding alone). Frame numbers and times are the frames' presentation timestamps.
 */
import { z } from 'zod';
import type { Ffmpeg } from '../ffmpeg/index.js';
import { decodeFrames, type FrameGeometry } from '../ffmpeg/decode-frames.js';
import { decodeInWorker } from '../ffmpeg/decode-in-worker.js';
import { FramewiseError } from '../util/errors.js';
import type { Fraction } from '../util/fraction.js';
import { takesYuv, type FrameSize } from './detectors.js';
import { hsvTables } from './hsv.js';
import { DetectionRun, type DetectionRunResult, type DetectionRunSetup } from './detection-run.js';
import { yuvMatrixFor, type YuvMatrix } from './yuv.js';
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

/**
 * The filter chain's threads for detection: one. Its only real work is swscale's point scale of each frame
 * (≈ 0.1–0.3 ms), which ffmpeg otherwise splits over a slice thread per core, plus an idle libavfilter pool: ≈ 38,000
 * futex calls (thread wake-ups) more per 3600 frames, and a wake-up costs ≈ 10 µs of CPU here — more than the slices
 * save. The scaled pixels are the same (docs/benchmarks.md).
 */
export const DETECT_FILTER_THREADS = 1;

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
  /** What ffmpeg sent: packed RGB, or yuv422p converted here with this matrix (yuv.ts; the same RGB). */
  pixels: 'rgb24' | YuvMatrix;
  /**
   * How the frame times came: printed by ffmpeg's `metadata` filter into the frame reader's FIFO (ffmpeg ≥ 5.1),
   * or `showinfo` lines on stderr (older builds, and where there is no FIFO). The same times either way.
   */
  frameTimes: 'printed' | 'showinfo';
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
  /**
   * The video stream's pixel format and colour facts (ffprobe's, `MediaInfo.video`), when known: where ffmpeg's
   * RGB can be rebuilt exactly from yuv422p (yuv.ts), the content-score detectors take that instead of RGB.
   */
  source?: { pixelFormat: string | null; space: string | null; range: string | null };
}

const storedFacts = z.object({
  video: z.object({ pixelFormat: z.string().nullable(), colour: z.object({ space: z.string().nullable(), range: z.string().nullable() }) }),
});

/**
 * `DetectInput.source` from a probe (`MediaInfo`, or a library row's stored `metadata_json` of one); undefined
 * where it lacks the facts (e.g. probed before colour facts were recorded): detection then takes packed RGB.
 */
export function detectSource(info: unknown): DetectInput['source'] {
  const parsed = storedFacts.safeParse(info);
  if (!parsed.success) return undefined;
  const v = parsed.data.video;
  return { pixelFormat: v.pixelFormat, space: v.colour.space, range: v.colour.range };
}

/**
 * The yuv422p matrix for a detection, or null for packed RGB: content-score detectors only, a source whose RGB
 * yuv.ts rebuilds exactly, and a frame that is actually scaled (at the decoded size swscale converts with other,
 * SIMD, rounding).
 */
export function yuvMatrixOf(v: DetectInput, params: SceneParams, size: FrameSize): YuvMatrix | null {
  if (!v.source || !takesYuv(params)) return null;
  if (size.width === v.display.width && size.height === v.display.height) return null;
  return yuvMatrixFor(v.source);
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
    /** 'auto' (default): yuv422p where `yuvMatrixOf` allows it; 'rgb': always packed RGB (for comparing the two). */
    pixels?: 'auto' | 'rgb';
    /** 'auto' (default): printed where ffmpeg can (`printsFrameTimes`); 'showinfo': always (for comparing the two). */
    frameTimes?: 'auto' | 'showinfo';
    /** Filter threads: {@link DETECT_FILTER_THREADS} by default; 0 = ffmpeg's own default (for measuring the difference). */
    filterThreads?: number;
    /** Frames ffmpeg may decode ahead: {@link DECODE_AHEAD} by default; 0 = none (for measuring the difference). */
    decodeAhead?: number;
  } = {},
): Promise<Detection> {
  const size = analysisSize(v.display.width, v.display.height);
  const matrix = opts.pixels === 'rgb' ? null : yuvMatrixOf(v, params, size);
  const setup: DetectionRunSetup = {
    params,
    size,
    minSeconds: minSceneSeconds(params.minSceneLen, v.fps),
    matrix,
    expectedFrames: Math.ceil((v.duration * v.fps.num) / v.fps.den),
  };
  const geometry: FrameGeometry = {
    ...size,
    colorOrder: 'RGB',
    resize: 'stretch',
    scaler: 'point',
    ...(matrix ? { pixelFormat: 'yuv422p' as const } : {}),
  };
  const sampling = { fps: v.fps, sampleFps: null };
  const decoderOptions = opts.decode === 'full' ? [] : DETECT_DECODE;
  const filterThreads = opts.filterThreads ?? DETECT_FILTER_THREADS;
  const queueFrames = opts.decodeAhead ?? DECODE_AHEAD;
  let lastReport = 0;
  const progress = (time: number) => {
    if (opts.onProgress && v.duration > 0 && time - lastReport >= 0.5) {
      lastReport = time;
      opts.onProgress(Math.min(1, time / v.duration));
    }
  };
  // Every frame of the whole video, read and scored in a worker thread (Linux: frames through a FIFO); taking
  // them on this thread cost node more than the detector does (docs/benchmarks.md).
  const inWorker = await decodeInWorker(
    ffmpeg,
    v.file,
    geometry,
    sampling,
    // The HSV tables once per process (shared memory), not once per worker.
    { url: new URL('./detect-worker.js', import.meta.url), job: { ...setup, ...(takesYuv(params) ? { hsv: hsvTables() } : {}) } },
    {
      queueFrames,
      decoderOptions,
      filterThreads,
      onTime: progress,
      times: opts.frameTimes ?? 'auto',
      ...(opts.signal ? { signal: opts.signal } : {}),
    },
  );
  let run: DetectionRunResult;
  if (inWorker) run = inWorker.result as DetectionRunResult;
  else {
    const here = new DetectionRun(setup);
    for await (const f of decodeFrames(ffmpeg, v.file, geometry, sampling, {
      queueFrames,
      decoderOptions,
      filterThreads,
      ...(opts.signal ? { signal: opts.signal } : {}),
    })) {
      here.push(f.time, f.frame, f.data);
      progress(f.time);
    }
    run = here.finish();
  }
  const { cuts, last, frames } = run;
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
    frames,
    pixels: matrix ?? 'rgb24',
    frameTimes: inWorker?.times ?? 'showinfo',
    cuts: cuts.map((c) => ({ index: frameOf(c).frame, time: frameOf(c).time })),
    scenes,
    scores: run.scores.slice(0, endFrame),
  };
}
