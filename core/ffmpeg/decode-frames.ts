import type { Readable } from 'node:stream';
import type { Ffmpeg } from './index.js';
import { FramewiseError, cancelled } from '../util/errors.js';
import type { Fraction } from '../util/fraction.js';
import { firstVideoOnly } from './args.js';

/**
 * Decode a video with ffmpeg straight to a model's input: cropped, resized (stretch or letterbox) and converted
 * to packed rgb24/bgr24 on stdout. No per-frame files. Each frame comes with its exact timestamp (from ffmpeg's
 * `showinfo`, in microseconds, relative to the first frame) and its frame number (timestamp × the video's fps,
 * rounded: frame numbers count from 0 at the first frame).
 */
export interface FrameGeometry {
  width: number;
  height: number;
  colorOrder: 'RGB' | 'BGR';
  resize: 'stretch' | 'letterbox';
  /** Crop (in display pixels) before resizing, e.g. the endoscope region. */
  crop?: { x: number; y: number; width: number; height: number } | null;
  /**
   * 'smooth' (default): antialiased bilinear. 'fast': swscale's fast_bilinear (2-tap horizontally, but still
   * every source row). 'point': swscale's nearest neighbour, which reads only the source rows and columns it
   * keeps — what OpenCV's INTER_LINEAR downscale does at an odd integer factor (its sample point falls on a
   * pixel centre). Measured on a 1080p → 274×154 pass (ffmpeg 5.1, user CPU over decode-only): antialiased
   * about +55 %, fast_bilinear about +20 %, point about +12 %.
   */
  scaler?: 'smooth' | 'fast' | 'point';
  /**
   * 'yuv422p': planar Y, U, V (chroma half width, full height; 2 bytes a pixel) instead of packed RGB in
   * `colorOrder` — stretch with the 'point' or 'fast' scaler only. What swscale makes packed RGB from when it scales,
   * so a consumer can convert exactly the pixels it needs (core/scenes/yuv.ts).
   */
  pixelFormat?: 'yuv422p';
}

/** ffmpeg's pixel format of the frames. */
function outputPixFmt(g: FrameGeometry): string {
  return g.pixelFormat ?? (g.colorOrder === 'RGB' ? 'rgb24' : 'bgr24');
}

/** Bytes of one frame as sent. */
export function frameBytesOf(g: FrameGeometry): number {
  return g.width * g.height * (g.pixelFormat === 'yuv422p' ? 2 : 3);
}

export interface Sampling {
  /** The video's frame rate (for frame numbers). */
  fps: Fraction;
  /** Samples per second; null = every frame. */
  sampleFps: number | null;
}

export interface DecodedFrame {
  /** Seconds from the first frame. */
  time: number;
  /** Frame number from 0. */
  frame: number;
  /** Packed pixels, width × height × 3 bytes (yuv422p: the three planes, 2 bytes a pixel). Valid until the next iteration step. */
  data: Buffer;
}

/**
 * How ffmpeg tells each frame's timestamp. 'showinfo': a line per frame on stderr, read on the main thread (any
 * build). `{ fd }`: the `metadata` filter prints `frame:N pts:P …` per frame straight to that file descriptor of
 * ffmpeg (`pipe:fd`), unbuffered (its `direct` option, ffmpeg ≥ 5.1: `printsFrameTimes`) — a FIFO the frames'
 * reader reads itself. showinfo formats a long line and makes dozens of tiny stderr writes per frame, each a
 * wake-up of this process's main thread; the printed route is two small writes and no main-thread work.
 */
export type FrameTimes = 'showinfo' | { fd: number };

/** The metadata key each frame gets, so that `metadata=mode=print` prints it (it prints frames with the key only). */
const TIME_KEY = 'framewise_t';

/** Whether this ffmpeg can print frame times unbuffered to a descriptor (`FrameTimes` `{ fd }`). */
export function printsFrameTimes(ffmpeg: Ffmpeg): boolean {
  const r = ffmpeg.tools.ffmpeg.release;
  return !!r && (r[0] > 5 || (r[0] === 5 && r[1] >= 1)) && ffmpeg.features.hasFilter('metadata');
}

/**
 * The `-vf` chain: zero-based timestamps in µs, sampling, crop, resize, pixel format, then the frame times
 * (`showinfo`, or the `metadata` filter printing to a descriptor: `FrameTimes`).
 */
export function frameFilter(g: FrameGeometry, s: Sampling, times: FrameTimes = 'showinfo'): string {
  const parts = ['setpts=PTS-STARTPTS', 'settb=AVTB'];
  if (s.sampleFps !== null) {
    // Keep the first frame of each 1/N-second bucket: exact, no duplicated or invented frames.
    const n = Number(s.sampleFps.toPrecision(12));
    parts.push(`select='if(isnan(prev_selected_t),1,gte(floor(t*${n}+0.0001)-floor(prev_selected_t*${n}+0.0001),1))'`);
  }
  if (g.crop) parts.push(`crop=${g.crop.width}:${g.crop.height}:${g.crop.x}:${g.crop.y}`);
  const pix = outputPixFmt(g);
  if (g.pixelFormat && (g.resize !== 'stretch' || (g.scaler !== 'fast' && g.scaler !== 'point'))) {
    throw new Error(`${g.pixelFormat} frames are made by a plain point or fast stretch only`);
  }
  const flags = g.scaler === 'fast' ? 'fast_bilinear' : g.scaler === 'point' ? 'neighbor' : 'bilinear';
  // Antialiased: resize in YUV first, then convert the small frame to packed RGB (about a third less CPU than
  // swscale's combined antialiased resize + YUV→RGB). The cheap scalers are the other way round: one swscale
  // pass straight to RGB costs less than two (1080p → 274×154: 1 CPU-s less per 3600 frames).
  if (g.resize === 'stretch' && (g.scaler === 'fast' || g.scaler === 'point')) {
    parts.push(`scale=${g.width}:${g.height}:flags=${flags}`, `format=${pix}`);
  } else if (g.resize === 'letterbox') {
    parts.push(
      `scale=${g.width}:${g.height}:force_original_aspect_ratio=decrease:flags=${flags}`,
      'format=yuv444p',
      `pad=${g.width}:${g.height}:(ow-iw)/2:(oh-ih)/2:color=black`,
      `format=${pix}`,
    );
  } else {
    parts.push(`scale=${g.width}:${g.height}:flags=${flags}`, 'format=yuv444p', `format=${pix}`);
  }
  if (times === 'showinfo') {
    // Timestamps only: showinfo's per-plane checksums, which nothing reads, cost about 0.4 CPU-s per 3600 frames
    // of 274×154 (a tenth of the whole resize + conversion).
    parts.push('showinfo=checksum=0');
  } else {
    // `pipe\\:4`: the colon escaped for the option parser (the graph parser takes one backslash off).
    parts.push(
      `metadata=mode=add:key=${TIME_KEY}:value=1`,
      `metadata=mode=print:key=${TIME_KEY}:direct=1:file=pipe\\\\:${Math.trunc(times.fd)}`,
    );
  }
  return parts.join(',');
}

export interface DecodeArgsOptions {
  /** Decoder threads (`-threads`); ffmpeg's default when absent. */
  threads?: number;
  /** Input options for the decoder (before `-i`). */
  decoderOptions?: string[];
  /** Frames ffmpeg may decode ahead of the reader (its fifo pseudo-muxer's queue); 0 = none beyond the pipe. */
  queueFrames?: number;
  /** How ffmpeg tells the frame times (`FrameTimes`); 'showinfo' when absent. */
  times?: FrameTimes;
  /**
   * Threads of the filter chain (`-filter_threads`: swscale's slice threads and libavfilter's pool); ffmpeg's
   * default (one per core) when absent.
   */
  filterThreads?: number;
}

export function decodeArgs(input: string, g: FrameGeometry, s: Sampling, o: DecodeArgsOptions = {}): string[] {
  const pix = outputPixFmt(g);
  const times = o.times ?? 'showinfo';
  const queueFrames = o.queueFrames ?? 0;
  // With a queue, ffmpeg's fifo pseudo-muxer writes the pipe from its own thread: while the reader is busy with
  // a frame, decoding goes on into the queue instead of stalling on a full pipe (the pipe holds about one frame).
  const output =
    queueFrames > 0
      ? ['-c:v', 'rawvideo', '-pix_fmt', pix, '-f', 'fifo', '-fifo_format', 'rawvideo', '-queue_size', String(queueFrames)]
      : ['-f', 'rawvideo', '-pix_fmt', pix];
  return [
    '-v',
    // showinfo logs at the info level; otherwise errors only (no per-frame or per-file chatter on stderr).
    times === 'showinfo' ? 'info' : 'error',
    '-nostats',
    ...(o.filterThreads ? ['-filter_threads', String(o.filterThreads)] : []),
    ...(o.threads ? ['-threads', String(o.threads)] : []),
    ...(o.decoderOptions ?? []),
    '-i',
    input,
    ...firstVideoOnly({ data: true }),
    '-vf',
    frameFilter(g, s, times),
    '-vsync',
    '0',
    ...output,
    'pipe:1',
  ];
}

/** Frames assembled ahead of the consumer before the pipe is paused, and the count at which it is resumed. */
const PAUSE_AT = 4;
const RESUME_AT = 1;

const SHOWINFO = /Parsed_showinfo.*?\bn:\s*(\d+)\s+pts:\s*(-?\d+)/;

/** A frame's timestamp in microseconds from the first frame, from its `showinfo` line; null for other lines. */
export function showinfoMicros(line: string): number | null {
  const m = SHOWINFO.exec(line);
  return m ? Number(m[2]) : null;
}

/** A readable reason from ffmpeg's stderr that never echoes metadata (titles, dates) or per-frame lines. */
function safeReason(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l && !/showinfo|^\s+\S[^:]*:\s|Metadata:|Input #|Output #|Stream #|Duration:/.test(l))
    .filter((l) => /error|invalid|fail|cannot|unable|not found|no such|denied|corrupt/i.test(l));
  // The first error usually names the cause; the last one what ffmpeg gave up on.
  const picked = lines.length > 2 ? [lines[0]!, lines[lines.length - 1]!] : lines;
  return picked.join(' | ').slice(0, 400) || 'ffmpeg could not decode the video';
}

/**
 * ffmpeg's own failure as thrown: a reason from its stderr, never the stderr itself (it holds the file's
 * metadata). Other errors as they are.
 */
export function ffmpegFailure(input: string, e: unknown): unknown {
  if (e instanceof FramewiseError && typeof e.details?.stderrTail === 'string') {
    return new FramewiseError(e.code, `${input}: ${safeReason(e.details.stderrTail)}`, { exitCode: e.details.exitCode ?? null });
  }
  return e;
}

/**
 * Yield decoded frames in order. Pulling drives ffmpeg: when the consumer is slow, the stdout pipe fills and
 * ffmpeg blocks, so memory stays flat. Aborting `signal` kills ffmpeg at once.
 */
export async function* decodeFrames(
  ffmpeg: Ffmpeg,
  input: string,
  g: FrameGeometry,
  s: Sampling,
  opts: {
    signal?: AbortSignal;
    threads?: number;
    onStart?: (pid: number | undefined) => void;
    /** Input options for the decoder (before `-i`), e.g. `-skip_loop_filter all`. */
    decoderOptions?: string[];
    /** `DecodeArgsOptions.filterThreads`. */
    filterThreads?: number;
    /**
     * Frames ffmpeg may decode ahead of the reader (0 = none beyond the pipe). For consumers that spend real CPU
     * per frame: the decoder keeps working while they do. Memory: this many frames.
     */
    queueFrames?: number;
  } = {},
): AsyncGenerator<DecodedFrame> {
  const frameBytes = frameBytesOf(g);
  const times: number[] = [];
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const args = decodeArgs(input, g, s, {
    ...(opts.threads ? { threads: opts.threads } : {}),
    ...(opts.decoderOptions ? { decoderOptions: opts.decoderOptions } : {}),
    ...(opts.queueFrames ? { queueFrames: opts.queueFrames } : {}),
    ...(opts.filterThreads ? { filterThreads: opts.filterThreads } : {}),
  });
  const proc = ffmpeg.start(args, {
    pipeStdout: true,
    ...(opts.signal ? { signal: opts.signal } : {}),
    onStderrLine: (line) => {
      const us = showinfoMicros(line);
      if (us !== null) {
        times.push(us / 1e6);
        notify();
      }
    },
  });
  let exited = false;
  let exitError: unknown = null;
  proc.done.then(
    () => ((exited = true), notify()),
    (err: unknown) => ((exited = true), (exitError = err), notify()),
  );
  opts.onStart?.(proc.child?.pid);
  if (!proc.child || !proc.stdout) {
    await proc.done.catch(() => undefined);
    throw exitError ?? cancelled();
  }
  const fpsNum = s.fps.num;
  const fpsDen = s.fps.den;
  const source = stdoutSource(proc.stdout, frameBytes, notify);
  let current: Buffer | null = null;
  let index = 0;
  let finished = false;
  try {
    for (;;) {
      // The consumer is done with the frame it had (valid until the next step).
      if (current) source.release(current);
      current = null;
      const data = await source.next(
        () => exited,
        (r) => (wake = r),
      );
      if (!data) break;
      while (times.length === 0 && !exited) await new Promise<void>((r) => (wake = r));
      const t = times.shift();
      if (t === undefined) throw new FramewiseError('ffmpeg_failed', `ffmpeg produced frame ${index} without its timestamp`);
      current = data;
      index++;
      yield { time: t, frame: Math.round((t * fpsNum) / fpsDen), data: current };
    }
    await proc.done;
    finished = true;
  } catch (err) {
    if (opts.signal?.aborted) throw cancelled();
    throw ffmpegFailure(input, exitError ?? err);
  } finally {
    if (!finished && !exited) proc.child?.kill('SIGKILL');
    // Return only once ffmpeg is gone: a cancelled job never leaves a decoder behind.
    await proc.done.catch(() => undefined);
  }
  if (opts.signal?.aborted) throw cancelled();
}

interface FrameSource {
  /** The next whole frame, or null at the end. `exited` says whether ffmpeg is gone; `sleep` parks until notified. */
  next(exited: () => boolean, sleep: (wake: () => void) => void): Promise<Buffer | null>;
  release(frame: Buffer): void;
}

/**
 * Frames from the child's stdout, assembled from the pipe's chunks by 'data' events into a few reused buffers.
 * (Iterating the stream with for-await read it through `read()`, which concatenated whatever chunks had piled up
 * into a new Buffer: a copy and an allocation per frame, and the external memory drove full collections — 9 → 1
 * per 3600 frames of 274×154, node's main thread ≈ 0.3 CPU-s less; docs/benchmarks.md.) Reading pauses while
 * `PAUSE_AT` frames wait, so ffmpeg blocks on the pipe and memory stays flat.
 */
function stdoutSource(stdout: Readable, frameBytes: number, notify: () => void): FrameSource {
  const ready: Buffer[] = [];
  const spare: Buffer[] = [];
  let filling: Buffer | null = null;
  let filled = 0;
  let ended = false;
  let streamError: unknown = null;
  stdout.on('data', (chunk: Buffer) => {
    let off = 0;
    while (off < chunk.length) {
      filling ??= spare.pop() ?? Buffer.allocUnsafe(frameBytes);
      const take = Math.min(frameBytes - filled, chunk.length - off);
      chunk.copy(filling, filled, off, off + take);
      filled += take;
      off += take;
      if (filled === frameBytes) {
        ready.push(filling);
        filling = null;
        filled = 0;
      }
    }
    if (ready.length >= PAUSE_AT) stdout.pause();
    if (ready.length > 0) notify();
  });
  stdout.once('end', () => ((ended = true), notify()));
  stdout.once('error', (err: unknown) => ((streamError = err), notify()));
  return {
    async next(exited, sleep) {
      if (ready.length <= RESUME_AT && stdout.isPaused()) stdout.resume();
      while (ready.length === 0 && !ended && !streamError && !exited()) await new Promise<void>(sleep);
      if (streamError) throw streamError;
      return ready.shift() ?? null;
    },
    release: (f) => void spare.push(f),
  };
}
