import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { readFrameRgb } from '../../core/ffmpeg/raw-frame.js';
import { importAndWait, openTempCore, tempDir, thumbnailPath } from '../helpers/library.js';
import { isRoot, mountReadOnly, requireEnvironment } from '../helpers/environment.js';
import { media } from '../helpers/media.js';

type Lib = Awaited<ReturnType<typeof openTempCore>>;

/** A rectangle of the 320×240 test video (display pixels), and the frames a time-ranged mask hides it on. */
const rect = { x: 96, y: 72, width: 128, height: 96 };
const mask = { startFrame: 0, endFrame: 50, rect, source: 'manual' as const };
/** The same rectangle in the thumbnail (320 px wide: the same size), 4 px inside (JPEG edges). */
const inner = { x: rect.x + 4, y: rect.y + 4, width: rect.width - 8, height: rect.height - 8 };

/** Mean luma (0–255) of `inner` in a 320-px-wide rgb24 picture. */
function innerLuma(rgb: Uint8Array): number {
  let sum = 0;
  for (let y = inner.y; y < inner.y + inner.height; y++)
    for (let x = inner.x; x < inner.x + inner.width; x++) {
      const i = (y * 320 + x) * 3;
      sum += (rgb[i]! * 77 + rgb[i + 1]! * 150 + rgb[i + 2]! * 29) >> 8;
    }
  return sum / (inner.width * inner.height);
}

/** Mean luma (0–255) of a rectangle of the video's thumbnail. */
async function thumbLuma(lib: Lib, videoId: number): Promise<number> {
  const file = await thumbnailPath(lib.core, videoId);
  const rgb = await readFrameRgb(lib.core.services.ffmpeg, file, 0, { width: 320, height: 240 });
  assert.ok(rgb, 'the thumbnail decodes');
  return innerLuma(rgb);
}

/** The file of a video's artifact of `kind`. */
async function artifactPath(lib: Lib, videoId: number, kind: string): Promise<string> {
  const art = await lib.core.services.db.reader
    .selectFrom('artifacts')
    .select('path')
    .where('video_id', '=', videoId)
    .where('kind', '=', kind)
    .executeTakeFirstOrThrow();
  return path.join(lib.core.services.artifactsDir, art.path);
}

const thumbnailId = async (lib: Lib, videoId: number) => (await lib.core.call('videos.get', { video: videoId })).thumbnailArtifactId;

/**
 * Point 2 of the preview gaps (issue 10): the thumbnail is made again from the SOURCE with the current masks —
 * a time-ranged mask on its frame blacks it out, and removing the mask shows the picture again (it used to be
 * darkened again from itself, so it stayed black). Sprite sheets are made again both times too (removing the last
 * mask used to leave the masked ones).
 * Point 1: when the thumbnail cannot be made again (its folder is read-only: a disk remounted after I/O errors),
 * it is withdrawn — no longer served (its artifact row is gone), never left showing what the new mask hides —
 * the command's result says so (the masks are saved), and the library's log records it without any file name.
 */
test('thumbnail follows the time-ranged masks both ways; a thumbnail that cannot be made again is withdrawn and reported', async (t) => {
  const lib = await openTempCore();
  try {
    // Copied into the library, so the test may take the source away.
    const [imp] = await importAndWait(lib.core, [await media.mp4(4)], true);
    assert.equal(imp?.state, 'succeeded', JSON.stringify(imp?.error));
    const videoId = (imp!.output as { videoId: number }).videoId;
    const bright = await thumbLuma(lib, videoId);
    assert.ok(bright > 60, `the rectangle shows the picture in the thumbnail at import (mean luma ${bright})`);
    // Hover sprite sheets, made again with each change of masks (also when the last mask goes).
    const sprites = await lib.core.call('review.sprites', { video: videoId });
    assert.equal((await lib.core.services.jobs.waitFor(sprites.job.id, 120_000)).state, 'succeeded');
    const spritesJobs = async () => (await lib.core.call('jobs.list', { videoId, kind: 'sprites', limit: 10 })).map((j) => j.id);
    const sheetsMade = await spritesJobs();

    const set = await lib.core.call('anonymize.masks.set', { video: videoId, masks: [mask] });
    assert.equal(set.previewError, undefined);
    const masked = await thumbLuma(lib, videoId);
    assert.ok(masked < 12, `the masked rectangle is black in the thumbnail (mean luma ${masked})`);
    const maskedSheets = (await spritesJobs()).filter((id) => !sheetsMade.includes(id));
    assert.equal(maskedSheets.length, 1, 'the mask queued new sprite sheets');
    assert.equal((await lib.core.services.jobs.waitFor(maskedSheets[0]!, 120_000)).state, 'succeeded');

    const cleared = await lib.core.call('anonymize.masks.set', { video: videoId, masks: [] });
    assert.equal(cleared.previewError, undefined);
    const again = await thumbLuma(lib, videoId);
    assert.ok(Math.abs(again - bright) < 8, `without the mask the thumbnail shows the picture again (mean luma ${again}, was ${bright})`);
    const clearedSheets = (await spritesJobs()).filter((id) => !sheetsMade.includes(id) && !maskedSheets.includes(id));
    assert.equal(clearedSheets.length, 1, 'removing the last mask queued sprite sheets without it');
    assert.equal((await lib.core.services.jobs.waitFor(clearedSheets[0]!, 120_000)).state, 'succeeded');

    // The source cannot be read (offline): the thumbnail is darkened from itself instead — never left unmasked.
    const source = (
      await lib.core.services.db.reader.selectFrom('videos').select('path').where('id', '=', videoId).executeTakeFirstOrThrow()
    ).path;
    renameSync(source, `${source}.away`);
    try {
      const offline = await lib.core.call('anonymize.masks.set', { video: videoId, masks: [mask] });
      assert.equal(offline.previewError, undefined);
      const darkened = await thumbLuma(lib, videoId);
      assert.ok(darkened < 12, `without the source the thumbnail is darkened with the mask (mean luma ${darkened})`);
    } finally {
      renameSync(`${source}.away`, source);
    }
    await lib.core.call('anonymize.masks.set', { video: videoId, masks: [] });

    if (!requireEnvironment(t, isRoot, 'a read-only bind mount needs root')) return;
    const thumb = await thumbnailPath(lib.core, videoId);
    assert.ok(await thumbnailId(lib, videoId));
    const undo = mountReadOnly(path.dirname(thumb));
    const failed = await lib.core.call('anonymize.masks.set', { video: videoId, masks: [mask] }).finally(undo);
    assert.deepEqual(failed.masks.length, 1, 'the masks are saved');
    assert.equal(failed.previewError?.code, 'preview_failed', JSON.stringify(failed));
    assert.match(failed.previewError?.message ?? '', /thumbnail/);
    assert.deepEqual(failed.previewError?.withdrawn, ['thumbnail'], 'the kinds withdrawn, for the translated message');
    assert.equal(await thumbnailId(lib, videoId), null, 'the stale thumbnail is not served any more');
    assert.ok(existsSync(thumb), 'its file could not be removed (read-only): withdrawn by its row');
    // The log is written by a stream: wait until the line is there.
    const logs = path.join(lib.dataDir, 'logs');
    const logLine = () =>
      readdirSync(logs)
        .map((f) => readFileSync(path.join(logs, f), 'utf8'))
        .join('')
        .split('\n')
        .find((l) => l.includes('previews could not be made again'));
    for (const until = Date.now() + 60_000; !logLine() && Date.now() < until;) await new Promise((r) => setTimeout(r, 50));
    const line = logLine();
    assert.ok(line, 'the withdrawal is logged');
    assert.match(line, /EROFS/);
    assert.ok(!line.includes('.mp4') && !line.includes('.jpg') && !line.includes(lib.dataDir), `no file names in the log: ${line}`);
  } finally {
    await lib.close();
  }
});

/** Mean luma of `rect` (inset 4 px) in a subtitle preview (a PNG data URL) of the 320×240 test video. */
async function previewLuma(lib: Lib, png: string, scratch: string): Promise<number> {
  const file = path.join(scratch, `preview-${Math.random().toString(16).slice(2)}.png`);
  writeFileSync(file, Buffer.from(png.replace(/^data:image\/png;base64,/, ''), 'base64'));
  const rgb = await readFrameRgb(lib.core.services.ffmpeg, file, 0, { width: 320, height: 240 });
  assert.ok(rgb, 'the preview decodes');
  return innerLuma(rgb);
}

/** Mean luma of `inner` in tile (column, row) of a sprite sheet of 160×120 tiles, `columns` wide, read as rgb24. */
function tileLuma(sheet: Uint8Array, columns: number, column: number, row: number): number {
  const stride = columns * 160;
  let sum = 0;
  for (let y = inner.y / 2; y < (inner.y + inner.height) / 2; y++)
    for (let x = inner.x / 2; x < (inner.x + inner.width) / 2; x++) {
      const i = ((row * 120 + y) * stride + column * 160 + x) * 3;
      sum += (sheet[i]! * 77 + sheet[i + 1]! * 150 + sheet[i + 2]! * 29) >> 8;
    }
  return sum / ((inner.width / 2) * (inner.height / 2));
}

/**
 * Variable frame rate, 4 s: frames 0–29 at 30 fps, then frames 30–59 at 10 fps (1.0, 1.1, … 3.9 s), nominal rate
 * 30 — 2 s longer than `media.vfr()`, so that review sprite tiles (one a second) fall on frames whose number differs
 * from time × nominal rate.
 */
const vfr4s = () => media.vfr(4);

/**
 * A variable-frame-rate video (`vfr4s`: frames 0–29 at 30 fps, then frames 30–59 at 10 fps, nominal rate 30): a
 * time-ranged mask on frames [34, 37) — presented at 1.4–1.6 s — hides its rectangle in a preview at 1.5 s (frame
 * 35), and not in one at 1.15 s (frame 31) nor at 1.9 s (frame 39). Frame index × nominal rate would put 1.5 s at
 * frame 45 (the mask missed: its text shown) and 1.15 s at frame 34 (masked there). The review sprite sheets: a
 * tile a second for all 4 s (frame count ÷ nominal rate says 2 s), each showing the frame shown half a second in
 * (ffmpeg's fps filter rounds to the nearest tile time): 0.467, 1.4, 2.4 and 3.4 s = frames 14, 34, 44, 54; a mask
 * on frame 44 hides its rectangle on the third tile only (2.4 s × 30 would be frame 72).
 */
test('time-ranged masks on previews of a variable-frame-rate video follow presentation timestamps', async () => {
  const lib = await openTempCore();
  const scratch = tempDir('framewise-preview-vfr-');
  try {
    const [imp] = await importAndWait(lib.core, [await vfr4s()]);
    assert.equal(imp?.state, 'succeeded', JSON.stringify(imp?.error));
    const videoId = (imp!.output as { videoId: number }).videoId;
    assert.equal((await lib.core.call('videos.get', { video: videoId })).variableFrameRate, true);
    const track = (await lib.core.call('subtitles.create', { video: videoId })).id;
    await lib.core.call('subtitles.add', { video: videoId, track, startMs: 100, endMs: 300, text: 'Befund' });
    const at = async (timeMs: number) =>
      previewLuma(lib, (await lib.core.call('subtitles.preview', { video: videoId, track, timeMs })).png, scratch.dir);
    const shown = await at(1500);
    assert.ok(shown > 40, `the rectangle shows the picture at 1.5 s before any mask (mean luma ${shown})`);

    const set = await lib.core.call('anonymize.masks.set', { video: videoId, masks: [{ ...mask, startFrame: 34, endFrame: 37 }] });
    assert.equal(set.previewError, undefined);
    const masked = await at(1500);
    assert.ok(masked < 12, `the mask hides its rectangle at 1.5 s, frame 35 (mean luma ${masked})`);
    for (const t of [1150, 1900]) {
      const other = await at(t);
      assert.ok(other > 40, `no mask at ${t / 1000} s, a frame outside [34, 37) (mean luma ${other})`);
    }

    // A clip's keyframe: clip frames follow presentation time at the nominal rate (1.5 s = clip frame 45), the
    // mask counts decoded frames (1.5 s = frame 35). The clip [44, 47) has its middle keyframe at 1.5 s.
    const detect = await lib.core.call('scenes.detect', { video: videoId, detector: 'content' });
    if (detect.jobId) assert.equal((await lib.core.services.jobs.waitFor(detect.jobId, 120_000)).state, 'succeeded');
    let clips = await lib.core.call('clips.fromScenes', { video: videoId });
    const whole = clips.clips.find((c) => c.startFrame <= 44 && c.endFrame >= 48);
    assert.ok(whole, `one clip holds frames 44–47: ${JSON.stringify(clips.clips.map((c) => [c.startFrame, c.endFrame]))}`);
    clips = await lib.core.call('clips.split', { video: videoId, id: whole.id, frame: 44 });
    const right = clips.clips.find((c) => c.startFrame === 44)!;
    clips = await lib.core.call('clips.split', { video: videoId, id: right.id, frame: 47 });
    const middle = clips.clips.find((c) => c.startFrame === 44 && c.endFrame === 47)!;
    const [key] = await lib.core.call('clips.keyframes', { video: videoId, id: middle.id, format: 'png', width: 320 });
    assert.equal(key?.frame, 45);
    const keyLuma = innerLuma((await readFrameRgb(lib.core.services.ffmpeg, key.path, 0, { width: 320, height: 240 }))!);
    assert.ok(keyLuma < 12, `the clip keyframe at 1.5 s (decoded frame 35) hides the masked rectangle (mean luma ${keyLuma})`);
    // Its sprite sheet: one 160 px tile of the clip's first frame (1.47 s: decoded frame 34, masked).
    const sprite = await lib.core.call('clips.sprite', { video: videoId, id: middle.id });
    assert.equal(sprite.count, 1);
    const tile = (await readFrameRgb(lib.core.services.ffmpeg, sprite.path, 0, { width: 160, height: 120 }))!;
    const clipTile = tileLuma(tile, 1, 0, 0);
    assert.ok(clipTile < 12, `the clip's sprite tile (decoded frame 34) hides the masked rectangle (mean luma ${clipTile})`);

    // The review's hover sprite sheets: one pass over the whole video, 4 tiles of 10 a row.
    await lib.core.call('anonymize.masks.set', { video: videoId, masks: [{ ...mask, startFrame: 44, endFrame: 45 }] });
    const sheets = await lib.core.call('review.sprites', { video: videoId });
    assert.equal((await lib.core.services.jobs.waitFor(sheets.job.id, 120_000)).state, 'succeeded');
    const index = (await lib.core.call('review.state', { video: videoId })).sprites;
    assert.ok(index && index.count === 4 && index.interval === 1, JSON.stringify(index));
    const sheetPath = await artifactPath(lib, videoId, 'sprite-sheet');
    const sheet = (await readFrameRgb(lib.core.services.ffmpeg, sheetPath, 0, { width: 1600, height: 1200 }))!;
    const [t0, t1, t2, t3] = [0, 1, 2, 3].map((c) => tileLuma(sheet, 10, c, 0));
    assert.ok(t2! < 12, `the third tile (2.4 s, decoded frame 44) hides the masked rectangle (mean luma ${t2})`);
    for (const [i, luma] of [
      [0, t0],
      [1, t1],
      [3, t3],
    ] as const)
      assert.ok(luma! > 40, `no mask on tile ${i}, a frame outside [44, 45) (mean luma ${luma})`);
  } finally {
    scratch.cleanup();
    await lib.close();
  }
});
