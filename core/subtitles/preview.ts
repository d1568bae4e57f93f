import { readFile, rm, writeFile } from 'node:fs/promises';
import { makeOwnedTmpDir } from '../jobs/owned-tmp.js';
import path from 'node:path';
import { renderSubtitlePreview } from '../ffmpeg/subtitles.js';
import { previewImageArea } from '../library/private-thumbnail.js';
import { requireProbedVideo } from '../library/video-jobs.js';
import { videoStartOf } from '../ffmpeg/file-time.js';
import { previewFrameWindowAt, previewMask, previewMaskAt } from '../ocr/index.js';
import type { Services } from '../services.js';
import { getCues } from './store.js';
import { burnAss, burnStyles, fontsDir, type BurnStyleName } from './styles.js';

/**
 * Render one frame with the track burned in a style: at `timeMs`, else the middle of the first cue (so the
 * preview shows text). Returns the PNG as a data URL; nothing is kept on disk. A clinical video's frame hides what
 * OCR found (everything outside the endoscope image, every text box).
 */
export async function renderPreview(
  s: Services,
  videoId: number,
  trackId: number,
  style: BurnStyleName,
  timeMs?: number,
): Promise<{ timeMs: number; width: number; height: number; png: string }> {
  const video = await requireProbedVideo(s, videoId);
  s.ffmpeg.features.require('subtitles.burnIn');
  const cues = await getCues(s.db.reader, trackId);
  const durationMs = Math.round(video.duration * 1000);
  const first = cues[0];
  const at = Math.max(0, Math.min(durationMs - 1, timeMs ?? (first ? Math.floor((first.startMs + first.endMs) / 2) : 0)));
  const w = video.display_width || video.width;
  const h = video.display_height || video.height;
  // The ASS file holds the cue texts (patient data): written inside the owner-only library, never the OS temp
  // folder, in a folder named after this process so the next start removes it if this process dies meanwhile.
  const dir = await makeOwnedTmpDir(s.dataDir, 'subtitle-preview');
  try {
    const ass = path.join(dir, 'preview.ass');
    const png = path.join(dir, 'preview.png');
    await writeFile(ass, burnAss(cues, burnStyles[style], w, h));
    // A clinical video's preview hides what OCR found (outside the endoscope image and its shape, every text
    // box) and the time-ranged masks on the frame shown. Before OCR: everything outside the area the thumbnail
    // is masked to (conservative).
    const mask = await previewMask(s, videoId);
    const region = mask?.region ?? (await previewImageArea(s.ffmpeg, video.path, { duration: video.duration, width: w, height: h }));
    const hide = mask ? { ...mask, region } : region ? { region, frameWidth: w, frameHeight: h, boxes: [] } : null;
    // The frames shown at that time (presentation timestamps on a variable-frame-rate video), for the masks on them.
    const frames = mask?.timed ? await previewFrameWindowAt(s, videoId, at / 1000) : { start: 0, end: 1 };
    await renderSubtitlePreview(s.ffmpeg, {
      input: video.path,
      assFile: ass,
      fontsDir: fontsDir(),
      timeMs: at,
      videoStart: videoStartOf(video),
      output: png,
      ...(hide ? { mask: { ...previewMaskAt(hide, w, h, frames), width: w, height: h } } : {}),
    });
    return { timeMs: at, width: w, height: h, png: `data:image/png;base64,${(await readFile(png)).toString('base64')}` };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
