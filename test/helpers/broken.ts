import { copyFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MEDIA_DIR, ffmpeg, generated, media } from './media.js';
import { mkdirSync } from 'node:fs';

/** Broken inputs for import error tests, generated in `dir`. */
export async function makeBrokenFiles(dir: string) {
  mkdirSync(dir, { recursive: true });
  const empty = path.join(dir, 'empty.mp4');
  await writeFile(empty, '');
  const text = path.join(dir, 'notes.mp4');
  await writeFile(text, 'This is a text file with a video name.\n'.repeat(20));
  const good = await faststartMp4(6);
  const truncated = path.join(dir, 'truncated.mp4');
  const bytes = await readFile(good);
  // Keep the header (moov is at the front after faststart) and drop most of the data.
  await writeFile(truncated, bytes.subarray(0, Math.floor(bytes.length * 0.3)));
  const audioOnly = path.join(dir, 'audio-only.m4a');
  await copyFile(await media.audioOnly(), audioOnly);
  // A Matroska file whose video codec id is unknown: probe sees a video stream no decoder can read.
  const src = await generated('unknown-codec-src.mkv', (out) => [
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=160x120:rate=10:duration=1',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    out,
  ]);
  const mkv = await readFile(src);
  const undecodable = path.join(dir, 'unknown-codec.mkv');
  await writeFile(undecodable, Buffer.from(mkv.toString('latin1').replace('V_MPEG4/ISO/AVC', 'V_XXXXX/ISO/XYZ'), 'latin1'));
  return { empty, text, truncated, audioOnly, undecodable };
}

/** An mp4 with its index at the front, so cutting it short leaves a file that still probes. */
export async function faststartMp4(duration: number): Promise<string> {
  return generated(`faststart-${duration}s.mp4`, (out) => [
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=320x240:rate=25:duration=${duration}`,
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    '-movflags',
    '+faststart',
    out,
  ]);
}

export { MEDIA_DIR, ffmpeg };
