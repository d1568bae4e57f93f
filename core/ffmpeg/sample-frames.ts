import type { Ffmpeg } from './index.js';
import { cancelled, FramewiseError } from '../util/errors.js';

/**
 * Sample frames of a video near wanted times, all from ONE ffmpeg process (instead of a seek and a process
 * per sample): the frames are selected in the filter graph, scaled to one size and piped as packed RGB;
 * `showinfo` reports each selected frame's time. For each wanted time the first frame at or after it is
 * taken; two wanted times that fall to the same frame give it once.
 */
export interface SampledRgbFrame {
  /** Seconds from the first frame. */
  time: number;
  data: Uint8Array;
}

export interface SampleFramesOptions {
  signal?: AbortSignal;
  /**
   * Decode keyframes only (`-skip_frame nokey`): each wanted time gets the first keyframe at or after the
   * start of its slice (halfway from the previous time). Reads the whole file but decodes a frame per GOP.
   */
  keyframesOnly?: boolean;
}

const SHOWINFO_TIME = /Parsed_showinfo.*\bpts_time:\s*(-?[\d.]+)/;

/** The `select` expression: a frame at or after a bound the previous selected frame is before. */
export function selectExpression(bounds: number[]): string {
  const terms = bounds.map((b) => `gte(t\\,${b.toFixed(3)})*(isnan(prev_selected_t)+lt(prev_selected_t\\,${b.toFixed(3)}))`);
  return `gt(${terms.join('+')}\\,0)`;
}

/** The ffmpeg arguments (pure; exported for tests). */
export function sampleFramesArgs(
  input: string,
  times: number[],
  size: { width: number; height: number },
  keyframesOnly: boolean,
): string[] {
  const sorted = [...times].sort((a, b) => a - b);
  const bounds = keyframesOnly ? sorted.map((t, i) => (i === 0 ? 0 : (sorted[i - 1]! + t) / 2)) : sorted;
  return [
    '-v',
    'info',
    '-nostats',
    ...(keyframesOnly ? ['-skip_frame', 'nokey'] : []),
    '-i',
    input,
    '-map',
    '0:v:0',
    '-an',
    '-sn',
    '-dn',
    '-vf',
    `setpts=PTS-STARTPTS,select='${selectExpression(bounds)}',showinfo,scale=${size.width}:${size.height}:flags=bilinear,format=rgb24`,
    '-fps_mode',
    'passthrough',
    '-f',
    'rawvideo',
    'pipe:1',
  ];
}

/** Stream the sampled frames in time order; the consumer's pace holds ffmpeg back (at most two frames wait). */
export async function* sampleFramesRgb(
  ffmpeg: Ffmpeg,
  input: string,
  times: number[],
  size: { width: number; height: number },
  opts: SampleFramesOptions = {},
): AsyncGenerator<SampledRgbFrame> {
  const frameBytes = size.width * size.height * 3;
  if (!(frameBytes > 0)) throw new FramewiseError('usage', 'The frame size must be positive');
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const frameTimes: number[] = [];
  const ready: Uint8Array[] = [];
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  const p = ffmpeg.start(sampleFramesArgs(input, times, size, opts.keyframesOnly ?? false), {
    pipeStdout: true,
    signal: stop.signal,
    onStderrLine: (line) => {
      const m = SHOWINFO_TIME.exec(line);
      if (m) {
        frameTimes.push(Number(m[1]));
        notify();
      }
    },
  });
  const stdout = p.stdout!;
  let buf = new Uint8Array(frameBytes);
  let filled = 0;
  stdout.on('data', (d: Buffer) => {
    let off = 0;
    while (off < d.length) {
      const n = Math.min(frameBytes - filled, d.length - off);
      buf.set(d.subarray(off, off + n), filled);
      filled += n;
      off += n;
      if (filled === frameBytes) {
        ready.push(buf);
        buf = new Uint8Array(frameBytes);
        filled = 0;
      }
    }
    if (ready.length >= 2) stdout.pause();
    notify();
  });
  let finished = false;
  let failure: unknown = null;
  p.done.then(
    () => {
      finished = true;
      notify();
    },
    (err: unknown) => {
      finished = true;
      failure = err;
      notify();
    },
  );
  let yielded = 0;
  try {
    for (;;) {
      if (opts.signal?.aborted) throw cancelled();
      if (ready.length && frameTimes.length > yielded) {
        const data = ready.shift()!;
        const time = frameTimes[yielded++]!;
        if (ready.length < 2) stdout.resume();
        yield { time, data };
        continue;
      }
      if (finished) {
        if (opts.signal?.aborted) throw cancelled();
        // A damaged end (frames cut short) keeps the frames read; a failure before any frame is an error.
        if (failure && yielded === 0) throw failure instanceof Error ? failure : new Error(String(failure));
        return;
      }
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    if (!finished) {
      stop.abort();
      await p.done.catch(() => undefined);
    }
  }
}
