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
