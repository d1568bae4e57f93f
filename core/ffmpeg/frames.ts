import type { Ffmpeg } from './index.js';
import { FramewiseError } from '../util/errors.js';
import { writeAtomically } from '../util/fs.js';
import { stat } from 'node:fs/promises';

/**
 * Decode one frame at `time` seconds into a JPEG of the given width (display orientation, aspect kept).
 * Written atomically. Throws 'undecodable' when no frame could be decoded.
 * `keyframe`: take the first keyframe at or after `time` instead (the decoder skips every other frame, so it
 * decodes one frame instead of up to a whole GOP: on a 40 Mbit/s 1080p file with 8 s GOPs, 0.1 s CPU instead of
 * 0.9 s for a thumbnail at 5 s). Falls back to the first frame when no keyframe follows.
 */
export async function writeFrameJpeg(
  ffmpeg: Ffmpeg,
  input: string,
  time: number,
  output: string,
  opts: { width?: number; signal?: AbortSignal; keyframe?: boolean } = {},
): Promise<void> {
  const width = opts.width ?? 320;
  await writeAtomically(output, async (tmp) => {
    const args = (seek: number) => [
      '-v',
      'error',
      ...(opts.keyframe ? ['-skip_frame', 'nokey'] : []),
      ...(seek > 0 ? ['-ss', seek.toFixed(3)] : []),
      '-i',
      input,
      '-map',
      '0:v:0',
      '-frames:v',
      '1',
      '-vf',
      `scale=${width}:-2:flags=bilinear`,
      '-q:v',
      '4',
      '-f',
      'image2',
      '-c:v',
      'mjpeg',
      tmp,
    ];
    try {
      await ffmpeg.run(args(time), opts.signal ? { signal: opts.signal } : {});
    } catch (err) {
      if (err instanceof FramewiseError && err.code === 'cancelled') throw err;
    }
    let ok = await stat(tmp).then(
      (s) => s.size > 0,
      () => false,
    );
    if (!ok && time > 0) {
      // Seeking past the decodable part (truncated files): try the first frame.
      await ffmpeg.run(args(0), opts.signal ? { signal: opts.signal } : {}).catch((err: unknown) => {
        if (err instanceof FramewiseError && err.code === 'cancelled') throw err;
      });
      ok = await stat(tmp).then(
        (s) => s.size > 0,
        () => false,
      );
    }
    if (!ok) throw new FramewiseError('undecodable', `${input}: no video frame could be decoded`);
  });
}

/**
 * Encode one packed RGB image as a JPEG file (atomically; through a raw temp file beside it), with the
 * quickest-starting ffmpeg: the input is our own pixels (`Ffmpeg.runOnOwnInput`).
 */
export async function writeRgbJpeg(
  ffmpeg: Ffmpeg,
  image: { width: number; height: number; data: Uint8Array },
  output: string,
  opts: { signal?: AbortSignal } = {},
): Promise<void> {
  const { writeFile, rm } = await import('node:fs/promises');
  await writeAtomically(output, async (tmp) => {
    const raw = `${tmp}.rgb`;
    await writeFile(raw, image.data, { mode: 0o600 });
    try {
      await ffmpeg.runOnOwnInput(
        [
          '-v',
          'error',
          '-f',
          'rawvideo',
          '-pix_fmt',
          'rgb24',
          '-s',
          `${image.width}x${image.height}`,
          '-i',
          raw,
          '-frames:v',
          '1',
          '-q:v',
          '4',
          '-f',
          'image2',
          '-c:v',
          'mjpeg',
          tmp,
        ],
        opts.signal ? { signal: opts.signal } : {},
      );
    } finally {
      await rm(raw, { force: true });
    }
  });
}
