import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { test } from 'node:test';
import { readFrameRgb } from '../../core/ffmpeg/raw-frame.js';
import { endo, endoscopyVideo } from '../anonymize/endoscopy-media.js';
import { importAndWait, openTempCore, thumbnailPath } from '../helpers/library.js';
import { media } from '../helpers/media.js';

async function thumbnailOf(lib: Awaited<ReturnType<typeof openTempCore>>, file: string) {
  const [job] = await importAndWait(lib.core, [file]);
  assert.equal(job?.state, 'succeeded', JSON.stringify(job?.error));
  const videoId = (job!.output as { videoId: number }).videoId;
  const thumb = await thumbnailPath(lib.core, videoId);
  const info = await lib.core.services.ffmpeg.probe(thumb);
  const size = { width: info.video!.displayWidth, height: info.video!.displayHeight };
  const rgb = await readFrameRgb(lib.core.services.ffmpeg, thumb, 0, size);
  assert.ok(rgb, 'the thumbnail decodes');
  return { thumb, size, rgb, videoId };
}

/** Brightest channel value in a rectangle of a packed RGB image. */
function maxIn(rgb: Uint8Array, width: number, r: { x: number; y: number; width: number; height: number }): number {
  let max = 0;
  for (let y = r.y; y < r.y + r.height; y++)
    for (let x = r.x; x < r.x + r.width; x++) for (let c = 0; c < 3; c++) max = Math.max(max, rgb[(y * width + x) * 3 + c]!);
  return max;
}

test('import thumbnail and sprite sheets: a clinical video is masked to its endoscope image before OCR; the overlay text is black', async () => {
  const lib = await openTempCore();
  try {
    const { thumb, size, rgb, videoId } = await thumbnailOf(lib, await endoscopyVideo());
    assert.equal(statSync(thumb).mode & 0o777, 0o600);
    assert.equal(size.width, 320);
    const s = size.width / endo.width;
    // The overlay (name, birth date, exam date) is drawn at x 12–≈240, y 30–≈155 of the 640×360 video.
    const overlay = { x: Math.round(12 * s), y: Math.round(30 * s), width: Math.round(230 * s), height: Math.round(125 * s) };
    assert.ok(maxIn(rgb, size.width, overlay) <= 24, `overlay area is black in the thumbnail (max ${maxIn(rgb, size.width, overlay)})`);
    // The endoscope image itself is kept (its centre is lit).
    const rect = endo.region;
    const centre = {
      x: Math.round((rect.x + rect.width * 0.3) * s),
      y: Math.round((rect.y + rect.height * 0.3) * s),
      width: Math.round(rect.width * 0.4 * s),
      height: Math.round(rect.height * 0.4 * s),
    };
    assert.ok(maxIn(rgb, size.width, centre) > 80, 'the endoscope image is visible');

    // Sprite sheets made before OCR are masked the same way (the first tile, 160 px wide).
    const { job } = await lib.core.call('review.sprites', { video: videoId });
    assert.equal((await lib.core.services.jobs.waitFor(job.id, 120_000)).state, 'succeeded');
    const sprites = (await lib.core.call('review.state', { video: videoId })).sprites!;
    const { path: sheet } = await lib.core.mediaPath({ kind: 'artifact', id: sprites.sheets[0]! });
    assert.equal(statSync(sheet).mode & 0o777, 0o600);
    const sheetInfo = await lib.core.services.ffmpeg.probe(sheet);
    const sheetWidth = sheetInfo.video!.displayWidth;
    const tiles = await readFrameRgb(lib.core.services.ffmpeg, sheet, 0, { width: sheetWidth, height: sheetInfo.video!.displayHeight });
    assert.ok(tiles);
    const t = sprites.tileWidth / endo.width;
    const tileOverlay = { x: Math.round(12 * t), y: Math.round(30 * t), width: Math.round(230 * t), height: Math.round(125 * t) };
    assert.ok(
      maxIn(tiles, sheetWidth, tileOverlay) <= 24,
      `overlay area is black in the sprite tile (max ${maxIn(tiles, sheetWidth, tileOverlay)})`,
    );
  } finally {
    await lib.close();
  }
});

test('import thumbnail: an ordinary video keeps its whole picture, 320 px wide in display orientation', async () => {
  const lib = await openTempCore();
  try {
    const file = await media.rotated();
    const { size, rgb } = await thumbnailOf(lib, file);
    assert.equal(size.width, 320);
    assert.ok(size.height > size.width, `rotated video gives a portrait thumbnail (${size.width}×${size.height})`);
    // Not masked: the thumbnail is the video's first frame (the keyframe at or before 10 % of its 2 s), whole.
    const source = await readFrameRgb(lib.core.services.ffmpeg, file, 0, size);
    assert.ok(source);
    let diff = 0;
    for (let i = 0; i < rgb.length; i++) diff += Math.abs(rgb[i]! - source[i]!);
    const mean = diff / rgb.length;
    assert.ok(mean < 12, `the thumbnail shows the whole first frame (mean |Δ| ${mean.toFixed(1)})`);
  } finally {
    await lib.close();
  }
});
