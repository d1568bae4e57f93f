import type { Ffmpeg } from './index.js';
import { FramewiseError } from '../util/errors.js';

/**
 * Decode one frame at `time` seconds as packed RGB (rgb24) through a pipe, no temp files.
 * `width`/`height` are the display size (the frame is scaled to exactly that size, so rotation is applied).
 * Returns null when no frame could be decoded at that time (past the end, damaged part).
 */
export async function readFrameRgb(
  ffmpeg: Ffmpeg,
  input: string,
  time: number,
  size: { width: number; height: number },
  signal?: AbortSignal,
  /** Take the first keyframe at or after `time` (decodes one frame instead of up to a whole GOP). */
  keyframe = false,
): Promise<Uint8Array | null> {
  const { width, height } = size;
  const expected = width * height * 3;
  const p = ffmpeg.start(
    [
      '-v',
      'error',
      ...(keyframe ? ['-skip_frame', 'nokey'] : []),
      ...(time > 0 ? ['-ss', time.toFixed(3)] : []),
      '-i',
      input,
      '-map',
      '0:v:0',
      '-frames:v',
      '1',
      '-vf',
      `scale=${width}:${height}:flags=bilinear`,
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      'pipe:1',
    ],
    { pipeStdout: true, ...(signal ? { signal } : {}) },
  );
  const out = new Uint8Array(expected);
  let got = 0;
  p.stdout?.on('data', (d: Buffer) => {
    const n = Math.min(d.length, expected - got);
    if (n > 0) out.set(d.subarray(0, n), got);
    got += n;
  });
  try {
    await p.done;
  } catch (err) {
    if (err instanceof FramewiseError && err.code === 'cancelled') throw err;
    if (got < expected) return null;
  }
  return got >= expected ? out : null;
}

/**
 * Input options for reading one frame cheaply near a time: the demuxer seeks to the keyframe at or before it
 * and that keyframe is the frame (no decoding from the keyframe up to the exact time, no reading on to the
 * next keyframe), without the deblocking filter (invisible at thumbnail size, a fifth of an H.264 decode), in
 * one decoding thread: a single keyframe gains nothing from frame threads, and each thread's context and
 * zero-filled frame buffers cost CPU (perf, five 1080p inputs: 1.5–1.8 CPU-s with the default threads, 1.2–1.3
 * with one, a third of it `memset` in av_buffer_allocz and its page faults).
 */
const ONE_THREAD = ['-threads', '1'];
const NEAREST_KEYFRAME = ['-skip_frame', 'nokey', '-skip_loop_filter', 'all', '-noaccurate_seek', ...ONE_THREAD];

/**
 * The keyframes at or before each of `times`, as packed RGB of exactly `size`, from one ffmpeg run (one start-up
 * instead of one per time; each input decodes a single keyframe). Returns null unless every time gave a frame
 * (a damaged or cut-short file): the caller then reads what it can one time at a time.
 */
export async function readKeyframesRgb(
  ffmpeg: Ffmpeg,
  input: string,
  times: number[],
  size: { width: number; height: number },
  signal?: AbortSignal,
): Promise<Uint8Array[] | null> {
  return (await readKeyframesAndTail(ffmpeg, input, times, size, signal)).frames;
}

/** What ffmpeg says (at `-v error`) when a picture does not decode cleanly. */
const DECODE_TROUBLE =
  /error while decoding|Invalid NAL|corrupt|concealing|illegal|missing picture|partial file|Invalid data found|Truncat/i;

/**
 * `readKeyframesRgb`, and in the same ffmpeg run the import's tail check (`tailAt`): the frame at that time
 * decoded exactly (from the keyframe before it, every frame, as `decodeOneFrameAt` does), so an import starts
 * one ffmpeg fewer (≈ 0.3 CPU-s: Debian's 5.1 loads 215 shared libraries per start). `tailDecodes` is true only
 * when that frame came out and ffmpeg reported no decoding trouble at all; false otherwise (the caller then runs
 * the full tail check, which says what is wrong), null without `tailAt`.
 */
export async function readKeyframesAndTail(
  ffmpeg: Ffmpeg,
  input: string,
  times: number[],
  size: { width: number; height: number },
  signal?: AbortSignal,
  tailAt?: number,
  headerStart?: number,
): Promise<{ frames: Uint8Array[] | null; tailDecodes: boolean | null }> {
  const frameBytes = size.width * size.height * 3;
  const withTail = tailAt !== undefined;
  const wanted = frameBytes * (times.length + (withTail ? 1 : 0));
  const run = await runKeyframes(ffmpeg, keyframesAndTailArgs(input, times, size, tailAt, headerStart), wanted, signal);
  // A failed run, or short of a frame (an input gave none): no frames then.
  if (!run || run.data.length < wanted) return { frames: null, tailDecodes: withTail ? false : null };
  const frames = times.map((_, i) => run.data.subarray(i * frameBytes, (i + 1) * frameBytes));
  return { frames, tailDecodes: withTail ? !DECODE_TROUBLE.test(run.stderr) : null };
}

/**
 * One keyframe run: its output's first `limit` bytes (`total`: how many it wrote) and its stderr, or null when
 * ffmpeg failed (a cancel is thrown).
 */
async function runKeyframes(
  ffmpeg: Ffmpeg,
  args: string[],
  limit: number,
  signal?: AbortSignal,
): Promise<{ data: Buffer; total: number; stderr: string } | null> {
  try {
    const { stdout, stdoutTotal, stderr } = await ffmpeg.runKeepingStdout(args, { stdoutLimit: limit, ...(signal ? { signal } : {}) });
    return { data: stdout, total: stdoutTotal, stderr };
  } catch (err) {
    if (err instanceof FramewiseError && err.code === 'cancelled') throw err;
    return null;
  }
}

/**
 * The ffmpeg arguments of `readKeyframesAndTail` (exported for a test that counts what each input reads).
 * The first frame of every input, stacked (`vstack`) into one picture: row block i is input i's frame, the same
 * bytes a `concat` of the frames gave. Stacked, not concatenated: a trimmed input only ends when its next frame
 * arrives, and with `-skip_frame nokey` that is the next keyframe, so concat made every input read (and parse:
 * the H.264 parser zero-fills a buffer per packet) a whole GOP it then threw away — 260 packets per input on the
 * bench's file, ≈ 40 % of the run. vstack emits its picture once every input has given a frame, and
 * `-frames:v 1` ends the run there: about ten packets per input.
 */
export function keyframesAndTailArgs(
  input: string,
  times: number[],
  size: { width: number; height: number },
  tailAt?: number,
  headerStart?: number,
): string[] {
  const { width, height } = size;
  const withTail = tailAt !== undefined;
  // An MP4/MOV header holds what decoding needs (codec, size, extradata): without find_stream_info an input
  // does not decode the file's first frame before its seek (≈ 0.07 CPU-s per 1080p input). ffmpeg then does not
  // know the file's start time, which it adds to `-ss`: it is added here.
  const noProbe = headerStart !== undefined;
  const start = headerStart ?? 0;
  // The same microseconds ffmpeg's own sum gave (the time as written before, plus the start ffprobe printed).
  const seek = (t: number) => (t + start > 0 ? ['-ss', start ? (Number(t.toFixed(3)) + start).toFixed(6) : t.toFixed(3)] : []);
  const open = noProbe ? ['-nofind_stream_info'] : [];
  const inputs = [
    ...times.flatMap((t) => [...NEAREST_KEYFRAME, ...open, ...seek(t), '-i', input]),
    // The tail: an exact seek (the default), every frame decoded from the keyframe before it, in one thread: the
    // few frames up to the tail gain nothing from frame threads, which each allocate a decoder context and
    // zero-filled 1080p frame buffers (bench file: the run 0.86 → 0.77 CPU-s, the same frames and messages).
    ...(withTail ? [...ONE_THREAD, ...open, ...seek(tailAt), '-i', input] : []),
  ];
  const count = times.length + (withTail ? 1 : 0);
  const chains = Array.from(
    { length: count },
    (_, i) => `[${i}:v:0]trim=end_frame=1,scale=${width}:${height}:flags=bilinear,setsar=1,setpts=N`,
  );
  const graph =
    count === 1
      ? `${chains[0]}[out]`
      : `${chains.map((c, i) => `${c}[f${i}]`).join(';')};${chains.map((_, i) => `[f${i}]`).join('')}vstack=inputs=${count}[out]`;
  return [
    '-v',
    'error',
    ...inputs,
    '-filter_complex',
    graph,
    '-map',
    '[out]',
    // The stacked picture through as it is (no frame-rate sync).
    '-vsync',
    '0',
    '-frames:v',
    '1',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    'pipe:1',
  ];
}

/**
 * `readKeyframesAndTail` at `width` with the height ffmpeg derives from the picture (`scale=W:-2`: the display
 * size, after rotation), for a run started before ffprobe has said what the display size is. The height is the
 * output's byte count over the width and the frame count; null when the run gave no whole, even-height set of
 * frames (the caller then runs it again, sized from the probe).
 */
export async function readKeyframesAndTailAnyHeight(
  ffmpeg: Ffmpeg,
  input: string,
  times: number[],
  width: number,
  signal: AbortSignal,
  tailAt?: number,
  headerStart?: number,
): Promise<{ height: number; frames: Uint8Array[]; tailDecodes: boolean | null } | null> {
  const withTail = tailAt !== undefined;
  const count = times.length + (withTail ? 1 : 0);
  // At most a 1:4 picture (more is not a video this app imports: the run is discarded).
  const limit = width * width * 4 * 3 * count;
  const run = await runKeyframes(ffmpeg, keyframesAndTailArgs(input, times, { width, height: -2 }, tailAt, headerStart), limit, signal);
  if (!run) return null;
  const height = run.total / (width * 3 * count);
  if (run.total > limit || !Number.isInteger(height) || height < 2 || height % 2 !== 0) return null;
  const frameBytes = width * height * 3;
  const frames = times.map((_, i) => run.data.subarray(i * frameBytes, (i + 1) * frameBytes));
  return { height, frames, tailDecodes: withTail ? !DECODE_TROUBLE.test(run.stderr) : null };
}
