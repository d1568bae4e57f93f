import type { Ffmpeg } from './index.js';
import { FramewiseError } from '../util/errors.js';
import { closeSync } from 'node:fs';
import { firstVideoOnly } from './args.js';
import { FifoFrames, openFrameFifo, type FrameFifo } from './frame-fifo.js';

/**
 * Stream every `step`-th frame of a video (frames 0, step, 2·step, …, by frame number as decoded, so the
 * numbers match the render graph's `n`) as packed RGB of one fixed size, from ONE ffmpeg process through a
 * pipe. `onFrame` is awaited: a slow reader holds ffmpeg back through the pipe (nothing is buffered whole).
 */
export interface StreamedFrame {
  /** Frame number in the file (0-based). */
  frame: number;
  /** Index of this sample (0-based). */
  index: number;
  width: number;
  height: number;
  /** Packed RGB, in shared memory (a SharedArrayBuffer). */
  data: Uint8Array;
  /**
   * Tells the stream nothing reads `data` any more: its buffer is filled with a later frame (fewer 6 MB allocations
   * at 1080p, so less garbage collection). Optional: a frame never released is simply not reused.
   */
  release: () => void;
}

/** Released frame buffers kept for reuse. */
const SPARE_FRAMES = 4;
/**
 * Frame slots of the FIFO (frame-fifo.ts). A frame is handed out in its slot, without a copy, while fewer than
 * FIFO_IN_PLACE frames hold one: the worker always has two slots to read the next frames into. Beyond that a
 * frame is copied out and its slot freed at once, so a consumer that keeps frames (or never releases them) never
 * stalls the stream.
 */
const FIFO_SLOTS = 5;
const FIFO_IN_PLACE = FIFO_SLOTS - 2;

export interface FrameStreamOptions {
  step: number;
  /**
   * Decode only the frames other frames refer to (`-skip_frame noref`: I, P and reference B frames; about half
   * the decoding work of an x264 file) and take a sample from them whenever `minGap` frames have passed since
   * the last one; frame numbers come from the timestamps (showinfo; the file must be constant frame rate from
   * 0). The caller checks that consecutive samples are never more than its own bound apart.
   */
  referenceOnly?: { fps: { num: number; den: number }; minGap: number };
  /**
   * Decoder threads (default: ffmpeg's choice, one more than the cores). 1 costs about 15 % less CPU (no frame
   * threading) where the frames are consumed more slowly than one core decodes them (the verification's reader).
   */
  threads?: number;
  /**
   * How the frames come from ffmpeg: 'fifo' (default) a named pipe read by a worker thread (frame-fifo.ts; Linux,
   * else stdout), 'pipe' the child's stdout.
   */
  transport?: 'fifo' | 'pipe';
  /** Output size (the display size, or smaller). */
  width: number;
  height: number;
  signal?: AbortSignal;
  onFrame: (f: StreamedFrame) => Promise<void>;
}

/** The ffmpeg arguments (pure; exported for tests). */
export function frameStreamArgs(
  file: string,
  o: Pick<FrameStreamOptions, 'step' | 'width' | 'height' | 'referenceOnly' | 'threads'>,
): string[] {
  const step = Math.max(1, Math.floor(o.step));
  const r = o.referenceOnly;
  const threads = o.threads ? ['-threads', String(Math.max(1, Math.floor(o.threads)))] : [];
  if (r) {
    // Half a frame less than minGap frames, in seconds: exact for constant frame rate timestamps.
    const gap = ((Math.max(1, r.minGap) - 0.5) * r.fps.den) / r.fps.num;
    return [
      '-v',
      'info',
      '-nostats',
      '-skip_frame',
      'noref',
      ...threads,
      '-i',
      file,
      ...firstVideoOnly({ data: true }),
      '-vf',
      `setpts=PTS-STARTPTS,settb=AVTB,select='isnan(prev_selected_t)+gte(t-prev_selected_t\\,${gap.toFixed(6)})',showinfo=checksum=0,scale=${o.width}:${o.height}:flags=bilinear,format=rgb24`,
      '-vsync',
      '0',
      '-f',
      'rawvideo',
      'pipe:1',
    ];
  }
  return [
    '-v',
    'error',
    ...threads,
    '-i',
    file,
    ...firstVideoOnly({ data: true }),
    '-vf',
    `select='not(mod(n\\,${step}))',scale=${o.width}:${o.height}:flags=bilinear,format=rgb24`,
    // One output frame per selected frame: no duplication or dropping by a frame-rate conversion.
    '-vsync',
    '0',
    '-f',
    'rawvideo',
    'pipe:1',
  ];
}

/**
 * A frame's buffer, in shared memory: a worker thread reads it without a copy (the text detector's thread reads
 * rectangles of it, detector-thread.ts; a plain buffer would be copied at every request).
 */
function frameBuffer(size: number): Uint8Array {
  return new Uint8Array(new SharedArrayBuffer(size));
}

const SHOWINFO = /Parsed_showinfo.*?\bn:\s*\d+\s+pts:\s*(-?\d+)/;

export async function streamFrames(ffmpeg: Ffmpeg, file: string, o: FrameStreamOptions): Promise<number> {
  const step = Math.max(1, Math.floor(o.step));
  const size = o.width * o.height * 3;
  if (!(size > 0)) throw new FramewiseError('usage', 'The frame size must be positive');
  const ref = o.referenceOnly;
  // Frame numbers from showinfo's timestamps (µs after settb=AVTB), in order; a frame waits for its number.
  const numbers: number[] = [];
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  // The frames through a FIFO read by a worker thread where available (frame-fifo.ts), else the child's stdout.
  const fifo = o.transport === 'pipe' ? null : openFrameFifo();
  let p: ReturnType<Ffmpeg['start']>;
  try {
    p = ffmpeg.start(frameStreamArgs(file, o), {
      ...(fifo ? { stdoutFd: fifo.writeFd } : { pipeStdout: true }),
      ...(o.signal ? { signal: o.signal } : {}),
      ...(ref
        ? {
            onStderrLine: (line: string) => {
              const m = SHOWINFO.exec(line);
              if (!m) return;
              numbers.push(Math.round((Number(m[1]) * ref.fps.num) / (ref.fps.den * 1e6)));
              notify();
            },
          }
        : {}),
    });
  } finally {
    // ffmpeg has its own copy now: its exit is the reader's end-of-file.
    if (fifo) closeSync(fifo.writeFd);
  }
  let exited = false;
  p.done.then(
    () => ((exited = true), notify()),
    () => ((exited = true), notify()),
  );
  const numberOf = async (i: number): Promise<number> => {
    if (!ref) return i * step;
    while (numbers.length <= i && !exited) await new Promise<void>((r) => (wake = r));
    const n = numbers[i];
    if (n === undefined) throw new FramewiseError('ffmpeg_failed', `ffmpeg produced frame ${i} without its timestamp`);
    return n;
  };
  const spare: Uint8Array[] = [];
  /** A frame buffer for the next frame, and its release: the buffer goes back to `spare` (once). */
  const frameOf = async (i: number, data: Uint8Array): Promise<StreamedFrame> => {
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      if (spare.length < SPARE_FRAMES) spare.push(data);
    };
    return { frame: await numberOf(i), index: i, width: o.width, height: o.height, data, release };
  };
  if (fifo) return fromFifo(p, fifo, size, o, spare, frameOf);
  if (!p.stdout) {
    await p.done;
    return 0;
  }
  const stdout = p.stdout;
  let buf = frameBuffer(size);
  let filled = 0;
  let index = 0;
  let chain = Promise.resolve();
  let failure: unknown = null;
  let outstanding = 0;
  stdout.on('data', (d: Buffer) => {
    let off = 0;
    while (off < d.length) {
      const n = Math.min(size - filled, d.length - off);
      buf.set(d.subarray(off, off + n), filled);
      filled += n;
      off += n;
      if (filled < size) break;
      const i = index;
      const data = buf;
      index++;
      buf = spare.pop() ?? frameBuffer(size);
      filled = 0;
      outstanding++;
      stdout.pause();
      chain = chain
        .then(async () => (failure ? undefined : o.onFrame(await frameOf(i, data))))
        .catch((err: unknown) => {
          failure ??= err;
          p.child.kill('SIGKILL');
        })
        .finally(() => {
          if (--outstanding === 0) stdout.resume();
        });
    }
  });
  try {
    await p.done;
  } catch (err) {
    await chain;
    throw failure ?? err;
  }
  await chain;
  if (failure) throw failure;
  return index;
}

/**
 * Frames through the FIFO (frame-fifo.ts): a worker thread reads them with blocking reads into shared slots; a frame
 * is handed out in its slot (a 6 MB copy less per 1080p frame) or, when FIFO_IN_PLACE frames are kept already,
 * copied into a frame buffer of its own and the slot freed at once.
 * The child's stdout allocated a new 64 KiB buffer per read (≈ 100 per 1080p frame): outside V8's heap, and the
 * main thread's mark-compacts followed that memory (feat/vcpu2, docs/benchmarks.md).
 */
async function fromFifo(
  p: ReturnType<Ffmpeg['start']>,
  fifo: FrameFifo,
  size: number,
  o: FrameStreamOptions,
  spare: Uint8Array[],
  frameOf: (i: number, data: Uint8Array) => Promise<StreamedFrame>,
): Promise<number> {
  const ring = new FifoFrames(fifo, size, FIFO_SLOTS);
  let index = 0;
  let finished = false;
  let inPlace = 0;
  try {
    for (;;) {
      const got = await ring.next();
      if (!got) break;
      if (inPlace < FIFO_IN_PLACE) {
        // The slot is the frame's buffer (shared memory, as frameBuffer's) until the frame is released.
        inPlace++;
        let released = false;
        const release = () => {
          if (released) return;
          released = true;
          inPlace--;
          ring.free(got.slot);
        };
        await o.onFrame({ ...(await frameOf(index++, got.data)), release });
        continue;
      }
      const data = spare.pop() ?? frameBuffer(size);
      data.set(got.data);
      ring.free(got.slot);
      await o.onFrame(await frameOf(index++, data));
    }
    await p.done;
    finished = true;
  } finally {
    if (!finished) p.child?.kill('SIGKILL');
    // Return only once ffmpeg is gone: a failed or cancelled scan never leaves a decoder behind.
    await p.done.catch(() => undefined);
    await ring.close();
  }
  return index;
}
