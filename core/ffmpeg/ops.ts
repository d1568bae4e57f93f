import type { Ffmpeg } from './index.js';

/**
 * Named ffmpeg operations: each builds its argument array here (never in a capability) and returns, with its
 * result, the command line it ran (binary + arguments, for audits and error reports).
 */
export interface Ran {
  command: string[];
}

interface OpOptions {
  signal?: AbortSignal;
  /** Progress 0..1 by output time over `duration` (when given). */
  onProgress?: (fraction: number) => void;
  duration?: number;
  /** Frames written so far (also when the run fails later). */
  onFrame?: (frame: number) => void;
}

const firstVideoToNull = (input: string, ...before: string[]) => ['-v', 'error', ...before, '-i', input, '-map', '0:v:0'];

async function runOp(
  ffmpeg: Ffmpeg,
  args: string[],
  opts: OpOptions,
  onFrame: (frame: number) => void,
): Promise<{ stderr: string; command: string[] }> {
  return ffmpeg.run(args, {
    ...(opts.signal ? { signal: opts.signal } : {}),
    onProgress: (p) => {
      onFrame(p.frame);
      opts.onFrame?.(p.frame);
      if (opts.onProgress && opts.duration && opts.duration > 0) opts.onProgress(Math.min(1, p.outTime / opts.duration));
    },
  });
}

/** THE frame count of a file's first video stream: its packets, counted by a stream copy to null (no decode). */
export async function countFrames(ffmpeg: Ffmpeg, input: string, opts: OpOptions = {}): Promise<Ran & { frames: number }> {
  let frames = 0;
  const { command } = await runOp(ffmpeg, [...firstVideoToNull(input), '-c', 'copy', '-f', 'null', '-'], opts, (f) => {
    frames = f || frames;
  });
  return { frames, command };
}

/** Decode the whole first video stream (one thread) and collect what the decoder complained about. */
export async function decodeAll(ffmpeg: Ffmpeg, input: string, opts: OpOptions = {}): Promise<Ran & { frames: number; errors: string[] }> {
  let frames = 0;
  const { stderr, command } = await runOp(ffmpeg, [...firstVideoToNull(input, '-threads', '1'), '-f', 'null', '-'], opts, (f) => {
    frames = f || frames;
  });
  const errors = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(0, 50);
  return { frames, errors, command };
}

/** Decode one frame from `at` seconds on (is the data there?). */
export async function decodeOneFrameAt(
  ffmpeg: Ffmpeg,
  input: string,
  at: number,
  opts: OpOptions = {},
): Promise<Ran & { frames: number; stderr: string }> {
  let frames = 0;
  const { stderr, command } = await runOp(
    ffmpeg,
    [...firstVideoToNull(input, '-ss', at.toFixed(3)), '-frames:v', '1', '-f', 'null', '-'],
    opts,
    (f) => (frames = Math.max(frames, f)),
  );
  return { frames, stderr, command };
}
