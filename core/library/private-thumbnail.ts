import { chmod } from 'node:fs/promises';
import type { Ffmpeg } from '../ffmpeg/index.js';
import { writeRgbJpeg } from '../ffmpeg/frames.js';
import { readFrameRgb } from '../ffmpeg/raw-frame.js';
import { detectEndoscopeRegion, insideMask } from '../ocr/endoscope.js';

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
  const frames = [];
  for (const t of times) {
    const data = await readFrameRgb(ffmpeg, file, t, { width: w, height: h }, signal);
    if (data) frames.push({ width: w, height: h, data });
  }
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
