import { chmod } from 'node:fs/promises';
import path from 'node:path';
import type { Services } from '../services.js';
import type { Ffmpeg } from '../ffmpeg/index.js';
import { writeRgbJpeg } from '../ffmpeg/frames.js';
import { readFrameRgb } from '../ffmpeg/raw-frame.js';
import { detectEndoscopeRegion, insideMask, type EndoscopeRegion } from '../util/endoscope.js';

/**
 * A clinical video's thumbnail must not show the device overlay (name, birth date) around the endoscope
 * image. Before OCR has run, the image area is found from a few frames (lit in most of them: the largest
 * component, its shape) and everything outside it is blacked out — a conservative mask. A video without
 * such an area (a phone video) keeps its thumbnail. The file is owner-only (0600) either way.
 */
export async function privatizeThumbnail(
  ffmpeg: Ffmpeg,
  file: string,
  facts: { duration: number; width: number; height: number; at: number },
  thumbnail: string,
  signal?: AbortSignal,
): Promise<boolean> {
  const w = 320;
  const h = Math.max(2, Math.round((facts.height * w) / facts.width / 2) * 2);
  const times = [facts.at, facts.duration * 0.5, facts.duration * 0.85].filter((t, i) => i === 0 || t < facts.duration);
  // Keyframes near the times (as the import's thumbnail), read together: frame-accurate seeks, one after
  // another, decoded up to a GOP each and made the import 5× sha256sum on the 304 MB bench file.
  const read = await Promise.all(times.map((t) => readFrameRgb(ffmpeg, file, t, { width: w, height: h }, signal, true)));
  const frames = read.flatMap((data) => (data ? [{ width: w, height: h, data }] : []));
  const region = frames.length ? detectEndoscopeRegion(frames) : null;
  if (region && frames[0]) {
    const img = frames[0];
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        if (!insideMask(region, x + 0.5, y + 0.5)) img.data.fill(0, (y * w + x) * 3, (y * w + x) * 3 + 3);
      }
    }
    await writeRgbJpeg(ffmpeg, img, thumbnail, signal ? { signal } : {});
  }
  await chmod(thumbnail, 0o600);
  return !!region;
}

/**
 * After OCR: black out, in the video's thumbnail, everything outside the endoscope image and every text box
 * OCR found (overlay and stamps), scaled from the OCR frame size. Failures leave the earlier (conservative)
 * thumbnail in place.
 */
export async function remaskThumbnail(
  services: Pick<Services, 'db' | 'ffmpeg' | 'artifactsDir'>,
  videoId: number,
  hide: {
    frameWidth: number;
    frameHeight: number;
    region: (EndoscopeRegion & { frameWidth: number; frameHeight: number }) | null;
    boxes: Array<{ x: number; y: number; width: number; height: number }>;
  },
): Promise<boolean> {
  const art = await services.db.reader
    .selectFrom('artifacts')
    .select('path')
    .where('video_id', '=', videoId)
    .where('kind', '=', 'thumbnail')
    .executeTakeFirst();
  if (!art) return false;
  const file = path.join(services.artifactsDir, art.path);
  const info = await services.ffmpeg.probe(file);
  const w = info.video?.displayWidth ?? 0;
  const h = info.video?.displayHeight ?? 0;
  if (!w || !h) return false;
  const data = await readFrameRgb(services.ffmpeg, file, 0, { width: w, height: h });
  if (!data) return false;
  const sx = w / hide.frameWidth;
  const sy = h / hide.frameHeight;
  const r = hide.region;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const fx = (x + 0.5) / sx;
      const fy = (y + 0.5) / sy;
      const outside = r ? !insideMask(r, (fx * r.frameWidth) / hide.frameWidth, (fy * r.frameHeight) / hide.frameHeight) : false;
      const inBox = hide.boxes.some((b) => fx >= b.x - 2 && fx < b.x + b.width + 2 && fy >= b.y - 2 && fy < b.y + b.height + 2);
      if (outside || inBox) data.fill(0, (y * w + x) * 3, (y * w + x) * 3 + 3);
    }
  }
  await writeRgbJpeg(services.ffmpeg, { width: w, height: h, data }, file);
  await chmod(file, 0o600);
  return true;
}
