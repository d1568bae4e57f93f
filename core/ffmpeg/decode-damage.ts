import type { Ffmpeg } from './index.js';
import { FramewiseError } from '../util/errors.js';

const DECODE_ERROR = /error while decoding|Invalid NAL|corrupt|concealing|illegal|missing picture|partial file|Invalid data found/i;
const FILE_START = /^\s*Duration: .*\bstart: (-?[\d.]+)/;
const SHOWINFO_TIME = /Parsed_showinfo.*\bpts_time:\s*(-?[\d.]+)/;

/**
 * Where the video stops decoding cleanly, in seconds of the file's own timeline from its start (a player's
 * clock: an MPEG-TS file's timestamps starting at 1.4 s count from there; a picture that starts after the
 * audio keeps its place on that clock, as the duration does), searched from the keyframe at or before
 * `fromSeconds` to the end (a keyframe interval plus the tail, never the whole file). Each decoded
 * frame is reported by `showinfo` with its timestamp; a decoder error belongs to the next frame reported.
 * `decodesAfter`: frames decode again after the damage (damaged in the middle, not cut short).
 * Returns null when everything from there decodes.
 */
export async function locateDecodeDamage(
  ffmpeg: Ffmpeg,
  file: string,
  fromSeconds: number,
  signal?: AbortSignal,
): Promise<{ at: number | null; decodesAfter: boolean } | null> {
  // -copyts keeps the file's timestamps, which start where the file does: its start time (1.4 s for MPEG-TS),
  // from ffmpeg's own "Duration: …, start: 1.400000" line (ffprobe crashed on a damaged MPEG-TS file).
  let fileStart = 0;
  let lastFrame: number | null = null;
  let errorSeen = false;
  let at: number | null = null;
  const onLine = (line: string) => {
    if (at !== null) return;
    const start = FILE_START.exec(line);
    if (start) fileStart = Number(start[1]) || 0;
    const m = SHOWINFO_TIME.exec(line);
    if (m) {
      const t = Number(m[1]) - fileStart;
      if (errorSeen) at = t;
      else lastFrame = t;
      return;
    }
    // Decoder and demuxer messages start with their context ("[h264 @ 0x…]"); other lines may name the file.
    if (/^\[(?!Parsed_)/.test(line) && DECODE_ERROR.test(line)) errorSeen = true;
  };
  try {
    await ffmpeg.run(
      [
        '-v',
        'info',
        '-nostats',
        '-copyts',
        '-noaccurate_seek',
        // One decoder thread: errors are then printed in frame order, between the frames around them.
        '-threads',
        '1',
        '-ss',
        Math.max(0, fromSeconds).toFixed(3),
        '-i',
        file,
        '-map',
        '0:v:0',
        '-vf',
        'showinfo',
        '-f',
        'null',
        '-',
      ],
      { ...(signal ? { signal } : {}), onStderrLine: onLine },
    );
  } catch (err) {
    if (err instanceof FramewiseError && err.code === 'cancelled') throw err;
    errorSeen = true;
  }
  if (!errorSeen) return null;
  // No frame after the error: the data stops there (cut short), after the last good frame (null: none decoded).
  return { at: at ?? lastFrame, decodesAfter: at !== null };
}
