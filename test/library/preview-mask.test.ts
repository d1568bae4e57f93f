import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';
import { readFrameRgb } from '../../core/ffmpeg/raw-frame.js';
import { scaledRect } from '../../core/ocr/preview-mask.js';
import { outsideShapeBoxes } from '../../core/ocr/preview-shape.js';
import { insideMask } from '../../core/util/endoscope.js';
import { endo, endoscopyVideo, previewExtras } from '../anonymize/endoscopy-media.js';
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

/** A rectangle of the frame scaled to a preview `scale` of it, offset to a tile at (ox, oy). */
function scaled(r: { x: number; y: number; width: number; height: number }, scale: number, ox = 0, oy = 0) {
  return {
    x: ox + Math.round(r.x * scale),
    y: oy + Math.round(r.y * scale),
    width: Math.max(1, Math.round(r.width * scale)),
    height: Math.max(1, Math.round(r.height * scale)),
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
 *
 * The same video also shows a second name inside the image for frames [40, 70) only (OCR, sampling at 3 s and
 * 9 s, does not see it) and overlay text in the corner of the image's bounding rectangle, outside its octagon.
 * Before any mask both show in previews of their time (so the checks can fail) — except the corner, which the
 * shape hides from the first preview on. A time-ranged mask over the name (as the reviewer draws it) makes the
 * previews of those frames stale: sprite sheets and the keyframe of that time are made again and hide it there,
 * while a keyframe of another clip, whose frames no mask touches, is kept.
 */
test('previews hide OCR text boxes, time-ranged masks on their frames and the corners outside the image shape; stale previews are replaced; files 0600', async () => {
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
    const [imp] = await importAndWait(lib.core, [await endoscopyVideo({ previewExtras: true })]);
    assert.equal(imp?.state, 'succeeded', JSON.stringify(imp?.error));
    const videoId = (imp!.output as { videoId: number }).videoId;

    // Before OCR: the conservative mask hides the overlay, but the name inside the image is still shown.
    const first = await lib.core.call('review.sprites', { video: videoId });
    assert.equal((await lib.core.services.jobs.waitFor(first.job.id, 120_000)).state, 'succeeded');
    const oldSheets = await sheetPaths(lib, videoId);
    const tileScale = 160 / endo.width;
    const before = await decode(lib, oldSheets[0]!);
    assert.ok(maxIn(before.rgb, before.width, insideName(tileScale)) > 150, 'the name inside the image shows in a tile made before OCR');
    // Tile 2 (2 s) shows the name drawn for frames 40–69; tile 0 the corner outside the octagon, hidden by the shape.
    const timedInTile = (img: { rgb: Uint8Array; width: number }) =>
      maxIn(img.rgb, img.width, scaled(previewExtras.timedGlyphs, tileScale, 2 * 160));
    assert.ok(timedInTile(before) > 150, 'the name shown for a time range is visible in its tile before any mask');
    const cornerBefore = maxIn(before.rgb, before.width, scaled(previewExtras.cornerGlyphs, tileScale));
    assert.ok(cornerBefore <= 40, `the corner outside the octagon is black in a tile made before OCR (max luma ${cornerBefore})`);
    const det = await lib.core.call('scenes.detect', { video: videoId });
    if (det.jobId) assert.equal((await lib.core.services.jobs.waitFor(det.jobId, 120_000)).state, 'succeeded');
    await lib.core.call('clips.fromScenes', { video: videoId });
    const clips = (await lib.core.call('clips.list', { video: videoId })).clips;
    const clip = clips[0]!;
    const lastClip = clips[clips.length - 1]!;
    assert.ok(clip.endFrame <= 125 && lastClip.startFrame >= 175, JSON.stringify(clips.map((c) => [c.startFrame, c.endFrame])));
    const [oldKey] = await lib.core.call('clips.keyframes', { video: videoId, id: clip.id, width: endo.width });
    assert.ok(oldKey);
    assert.ok(oldKey.frame >= 40 && oldKey.frame < 70, `the first clip's keyframe (${oldKey.frame}) shows the timed name`);
    assert.equal(statSync(oldKey.path).mode & 0o777, 0o600);
    assert.ok((await readable(oldKey.path)).includes('Müller'), 'the name inside the image is readable in a keyframe made before OCR');
    const oldKeyImage = await decode(lib, oldKey.path);
    assert.ok(
      maxIn(oldKeyImage.rgb, oldKeyImage.width, previewExtras.timedGlyphs) > 150,
      'the timed name shows in the keyframe before any mask',
    );
    const cornerKey = maxIn(oldKeyImage.rgb, oldKeyImage.width, previewExtras.cornerGlyphs);
    assert.ok(cornerKey <= 40, `the corner outside the octagon is black in a keyframe made before OCR (max luma ${cornerKey})`);

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

    const ocrSheets = await sheetPaths(lib, videoId);
    // A keyframe of the last clip (no mask on its frames) and one of the first (the timed name), made after OCR.
    const [lastKey] = await lib.core.call('clips.keyframes', { video: videoId, id: lastClip.id, width: endo.width });
    const [ocrKey] = await lib.core.call('clips.keyframes', { video: videoId, id: clip.id, width: endo.width });
    assert.ok(maxIn((await decode(lib, ocrKey!.path)).rgb, endo.width, previewExtras.timedGlyphs) > 150, 'OCR did not find the timed name');

    // The reviewer masks the name for its frames: previews of those frames are made again, others stay.
    await lib.core.call('anonymize.masks.set', {
      video: videoId,
      masks: [
        {
          startFrame: previewExtras.timed.startFrame,
          endFrame: previewExtras.timed.endFrame,
          rect: previewExtras.timedMask,
          source: 'manual',
        },
      ],
    });
    for (const f of ocrSheets) assert.ok(!existsSync(f), `${path.basename(f)} (made before the time-ranged mask) is removed`);
    assert.ok(!existsSync(ocrKey!.path), 'the keyframe of the masked frames is removed');
    assert.ok(existsSync(lastKey!.path), 'the keyframe of frames no mask touches is kept');
    const third = (await lib.core.call('jobs.list', { videoId, kind: 'sprites', limit: 10 })).find(
      (j) => j.id !== first.job.id && j.id !== again.id,
    );
    assert.ok(third, 'the time-ranged mask queued new sprite sheets');
    assert.equal((await lib.core.services.jobs.waitFor(third.id, 120_000)).state, 'succeeded');

    const sheets = await sheetPaths(lib, videoId);
    assert.ok(sheets.length >= 1);
    const after = await decode(lib, sheets[0]!);
    assert.ok(timedInTile(after) <= 40, `the timed name is black in its tile (max luma ${timedInTile(after)})`);
    const cornerAfter = maxIn(after.rgb, after.width, scaled(previewExtras.cornerGlyphs, tileScale));
    assert.ok(cornerAfter <= 40, `the corner is black in the new tile (max luma ${cornerAfter})`);
    const inTile = maxIn(after.rgb, after.width, insideName(tileScale));
    assert.ok(inTile <= 40, `the name inside the image is black in the new tile (max luma ${inTile})`);
    const [key] = await lib.core.call('clips.keyframes', { video: videoId, id: clip.id, width: endo.width });
    const keyImage = await decode(lib, key!.path);
    const inKey = maxIn(keyImage.rgb, keyImage.width, insideName(1));
    assert.ok(inKey <= 40, `the name inside the image is black in the keyframe (max luma ${inKey})`);
    const timedKey = maxIn(keyImage.rgb, keyImage.width, previewExtras.timedGlyphs);
    assert.ok(timedKey <= 40, `the timed name is black in the keyframe of its frames (max luma ${timedKey})`);
    const sprite = await lib.core.call('clips.sprite', { video: videoId, id: clip.id });
    // The clip's sprite: one tile a second; tile 2 shows the timed name's frames, tile 0 the corner.
    const spriteImage = await decode(lib, sprite.path);
    const timedSprite = maxIn(
      spriteImage.rgb,
      spriteImage.width,
      scaled(previewExtras.timedGlyphs, sprite.tileWidth / endo.width, 2 * sprite.tileWidth),
    );
    assert.ok(timedSprite <= 40, `the timed name is black in the clip sprite's tile (max luma ${timedSprite})`);
    const cornerSprite = maxIn(spriteImage.rgb, spriteImage.width, scaled(previewExtras.cornerGlyphs, sprite.tileWidth / endo.width));
    assert.ok(cornerSprite <= 40, `the corner is black in the clip sprite (max luma ${cornerSprite})`);
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
    const timedSub = maxIn(subImage.rgb, subImage.width, scaled(previewExtras.timedGlyphs, subImage.width / endo.width));
    assert.ok(timedSub <= 40, `the timed name is black in the subtitle preview at 2 s (max luma ${timedSub})`);
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

/**
 * The corners of a round and an octagonal image, at a tile's and a full frame's size: every pixel whose centre
 * lies outside the shape (inside its bounding rectangle) is under a box, pixels well inside are not, and the
 * chain stays short (row bands).
 */
test('outsideShapeBoxes: circle and octagon corners covered, the image kept, at most ~130 boxes', () => {
  for (const [W, H] of [
    [160, 90],
    [1280, 720],
  ] as const) {
    for (const shape of ['circle', 'octagon'] as const) {
      const region = { x: W * 0.3, y: H * 0.02, width: H * 0.96, height: H * 0.96, shape, cornerCut: 0.2 };
      const keep = scaledRect(region, 1, 1);
      const boxes = outsideShapeBoxes(region, keep);
      assert.ok(boxes.length <= 130, `${shape} ${W}x${H}: ${boxes.length} boxes`);
      const covered = (x: number, y: number) => boxes.some((b) => x >= b.x && x < b.x + b.width && y >= b.y && y < b.y + b.height);
      let kept = 0;
      let inside = 0;
      for (let y = keep.y; y < keep.y + keep.height; y++)
        for (let x = keep.x; x < keep.x + keep.width; x++) {
          if (!insideMask(region, x + 0.5, y + 0.5))
            assert.ok(covered(x, y), `${shape} ${W}x${H}: (${x},${y}) outside the shape is hidden`);
          else if (
            insideMask(
              { ...region, x: region.x + 8, y: region.y + 8, width: region.width - 16, height: region.height - 16 },
              x + 0.5,
              y + 0.5,
            )
          ) {
            inside++;
            if (!covered(x, y)) kept++;
          }
        }
      if (W > 160) assert.ok(kept > inside * 0.97, `${shape}: the image itself is kept (${kept}/${inside})`);
    }
  }
});
