import type { Ffmpeg } from './index.js';
import { FramewiseError } from '../util/errors.js';
import { firstVideoOnly } from './args.js';

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
  data: Uint8Array;
}

export interface FrameStreamOptions {
  step: number;
  /** Output size (the display size, or smaller). */
  width: number;
  height: number;
  signal?: AbortSignal;
  onFrame: (f: StreamedFrame) => Promise<void>;
}

/** The ffmpeg arguments (pure; exported for tests). */
export function frameStreamArgs(file: string, o: Pick<FrameStreamOptions, 'step' | 'width' | 'height'>): string[] {
  const step = Math.max(1, Math.floor(o.step));
  return [
    '-v',
    'error',
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

export async function streamFrames(ffmpeg: Ffmpeg, file: string, o: FrameStreamOptions): Promise<number> {
  const step = Math.max(1, Math.floor(o.step));
  const size = o.width * o.height * 3;
  if (!(size > 0)) throw new FramewiseError('usage', 'The frame size must be positive');
  const p = ffmpeg.start(frameStreamArgs(file, o), { pipeStdout: true, ...(o.signal ? { signal: o.signal } : {}) });
  const stdout = p.stdout!;
  let buf = new Uint8Array(size);
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
      const frame = { frame: index * step, index, width: o.width, height: o.height, data: buf };
      index++;
      buf = new Uint8Array(size);
      filled = 0;
      outstanding++;
      stdout.pause();
      chain = chain
        .then(() => (failure ? undefined : o.onFrame(frame)))
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
