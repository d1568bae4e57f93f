import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';
import { readFrameRgb } from '../../core/ffmpeg/raw-frame.js';
import { endo, endoscopyVideo } from '../anonymize/endoscopy-media.js';
import { patientStringsIn } from '../anonymize/independent-ocr.js';
import { importAndWait, openTempCore, tempDir, thumbnailPath } from '../helpers/library.js';

const require = createRequire(import.meta.url);
type Lib = Awaited<ReturnType<typeof openTempCore>>;

/**
 * Brightest luma (0–255) in a rectangle of a packed RGB image: white glyphs are ≈ 255; a masked box is black
 * up to JPEG's chroma bleeding from the colourful image around it (which luma hardly sees).
 */
function maxIn(rgb: Uint8Array, width: number, r: { x: number; y: number; width: number; height: number }): number {
  let max = 0;
  for (let y = r.y; y < r.y + r.height; y++)
    for (let x = r.x; x < r.x + r.width; x++) {
      const i = (y * width + x) * 3;
      max = Math.max(max, (rgb[i]! * 77 + rgb[i + 1]! * 150 + rgb[i + 2]! * 29) >> 8);
    }
  return max;
}

async function decode(lib: Lib, file: string) {
  const info = await lib.core.services.ffmpeg.probe(file);
  const size = { width: info.video!.displayWidth, height: info.video!.displayHeight };
  const rgb = await readFrameRgb(lib.core.services.ffmpeg, file, 0, size);
  assert.ok(rgb, `${file} decodes`);
  return { ...size, rgb };
}

/**
 * The name stamped INSIDE the endoscope image ("Müller", 20 px DejaVu Sans drawn 10 px into `insideBox`: about
 * 62 × 20 px of glyphs), scaled to a preview `scale` of the frame.
 */
function insideName(scale: number) {
  const b = endo.insideBox;
  return {
    x: Math.round((b.x + 10) * scale),
    y: Math.round((b.y + 8) * scale),
    width: Math.round(62 * scale),
    height: Math.round(18 * scale),
  };
}

async function sheetPaths(lib: Lib, videoId: number): Promise<string[]> {
  const rows = await lib.core.services.db.reader
    .selectFrom('artifacts')
    .select('path')
    .where('video_id', '=', videoId)
    .where((eb) => eb.or([eb('kind', '=', 'sprite-sheet'), eb('kind', 'like', 'sprite-sheet:%')]))
    .execute();
  return rows.map((r) => path.join(lib.core.services.artifactsDir, r.path));
}

/**
 * Previews after OCR: the clip's name stamped inside the endoscope image (not the overlay) is readable in a
 * preview made before OCR (a clip keyframe at full width, the hover sprite tile) — so the check below can fail —
 * and after OCR every preview of the video hides every text box OCR found: the sprite sheets made before are
 * replaced by masked ones (a sprites job is queued by OCR), clip keyframes and sprites are made again with the
 * mask, the thumbnail is masked again, the subtitle preview hides them under its cue. An independent OCR (Tesseract, upscaled ×3) reads no patient token in any
 * of them, and every file is owner-only.
 */
test('previews after OCR hide the text boxes OCR found inside the image; stale previews are replaced; files 0600', async () => {
  const lib = await openTempCore({ concurrency: 1 });
  const scratch = tempDir('framewise-preview-mask-');
  const Tesseract = (await import('tesseract.js')).default;
  const eng = (require('@tesseract.js-data/eng') as { langPath: string }).langPath;
  const reader = await Tesseract.createWorker('eng', 1, { langPath: eng, cacheMethod: 'none', gzip: true });
  const tokens = ['Müller', 'Weiß', 'Jürgen', '12.03.1961'];
  const readable = async (img: string): Promise<string[]> => {
    const big = path.join(scratch.dir, `${path.basename(img)}.x3.png`);
    await lib.core.services.ffmpeg.run(['-y', '-v', 'error', '-i', img, '-vf', 'scale=iw*3:-2:flags=bicubic', '-frames:v', '1', big]);
    return patientStringsIn((await reader.recognize(readFileSync(big))).data.text, tokens);
  };
  try {
    const [imp] = await importAndWait(lib.core, [await endoscopyVideo()]);
    assert.equal(imp?.state, 'succeeded', JSON.stringify(imp?.error));
    const videoId = (imp!.output as { videoId: number }).videoId;

    // Before OCR: the conservative mask hides the overlay, but the name inside the image is still shown.
    const first = await lib.core.call('review.sprites', { video: videoId });
    assert.equal((await lib.core.services.jobs.waitFor(first.job.id, 120_000)).state, 'succeeded');
    const oldSheets = await sheetPaths(lib, videoId);
    const tileScale = 160 / endo.width;
    const before = await decode(lib, oldSheets[0]!);
    assert.ok(maxIn(before.rgb, before.width, insideName(tileScale)) > 150, 'the name inside the image shows in a tile made before OCR');
    const det = await lib.core.call('scenes.detect', { video: videoId });
    if (det.jobId) assert.equal((await lib.core.services.jobs.waitFor(det.jobId, 120_000)).state, 'succeeded');
    await lib.core.call('clips.fromScenes', { video: videoId });
    const clip = (await lib.core.call('clips.list', { video: videoId })).clips[0]!;
    const [oldKey] = await lib.core.call('clips.keyframes', { video: videoId, id: clip.id, width: endo.width });
    assert.ok(oldKey);
    assert.equal(statSync(oldKey.path).mode & 0o777, 0o600);
    assert.ok((await readable(oldKey.path)).includes('Müller'), 'the name inside the image is readable in a keyframe made before OCR');

    // OCR: the text boxes it found are hidden in every preview made from now on, and the older ones go.
    // OCR's follow-ups (previews replaced) end with its 'ocr' change event, after the job is marked done.
    let off = () => {};
    const followedUp = new Promise<void>((resolve) => {
      off = lib.core.services.events.subscribe((e) => {
        if (e.type === 'data.changed' && e.videoId === videoId && e.topic === 'ocr') resolve();
      });
    });
    const ocr = await lib.core.call('ocr.start', { video: videoId, samples: 2 });
    assert.equal((await lib.core.services.jobs.waitFor(ocr.job.id, 300_000)).state, 'succeeded');
    await followedUp;
    off();
    for (const f of oldSheets) assert.ok(!existsSync(f), `${path.basename(f)} (made before OCR) is removed`);
    assert.ok(!existsSync(oldKey.path), 'the keyframe made before OCR is removed');
    const queued = await lib.core.call('jobs.list', { videoId, kind: 'sprites', limit: 10 });
    const again = queued.find((j) => j.id !== first.job.id);
    assert.ok(again, 'OCR queued new sprite sheets');
    assert.equal((await lib.core.services.jobs.waitFor(again.id, 120_000)).state, 'succeeded');

    const sheets = await sheetPaths(lib, videoId);
    assert.ok(sheets.length >= 1);
    const after = await decode(lib, sheets[0]!);
    const inTile = maxIn(after.rgb, after.width, insideName(tileScale));
    assert.ok(inTile <= 40, `the name inside the image is black in the new tile (max luma ${inTile})`);
    const [key] = await lib.core.call('clips.keyframes', { video: videoId, id: clip.id, width: endo.width });
    const keyImage = await decode(lib, key!.path);
    const inKey = maxIn(keyImage.rgb, keyImage.width, insideName(1));
    assert.ok(inKey <= 40, `the name inside the image is black in the keyframe (max luma ${inKey})`);
    const sprite = await lib.core.call('clips.sprite', { video: videoId, id: clip.id });
    const thumb = await thumbnailPath(lib.core, videoId);
    // The subtitle preview (a PNG data URL, not stored) hides the same boxes under the cue it draws.
    const trackId = (await lib.core.call('subtitles.create', { video: videoId })).id;
    await lib.core.call('subtitles.add', { video: videoId, track: trackId, startMs: 1000, endMs: 3000, text: 'Befund' });
    const sub = await lib.core.call('subtitles.preview', { video: videoId, track: trackId, timeMs: 2000 });
    const subPng = path.join(scratch.dir, 'subtitle-preview.png');
    writeFileSync(subPng, Buffer.from(sub.png.replace(/^data:image\/png;base64,/, ''), 'base64'));
    const subImage = await decode(lib, subPng);
    const inSub = maxIn(subImage.rgb, subImage.width, insideName(subImage.width / endo.width));
    assert.ok(inSub <= 40, `the name inside the image is black in the subtitle preview (max luma ${inSub})`);
    assert.deepEqual(await readable(subPng), [], 'the subtitle preview is readable');
    const previews = [...sheets, key!.path, sprite.path, thumb];
    for (const img of previews) {
      assert.equal(statSync(img).mode & 0o777, 0o600, `${path.basename(img)} is owner-only`);
      assert.deepEqual(await readable(img), [], `${path.basename(img)} is readable`);
    }
  } finally {
    await reader.terminate();
    scratch.cleanup();
    await lib.close();
  }
});
