import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { Ffmpeg } from '../../core/ffmpeg/index.js';
import { OcrEngine, runOcrOnImage } from '../../core/ocr/pipeline.js';
import { builtinProfiles, profileRegions, SUGGEST_MIN_SCORE } from '../../core/ocr/profiles.js';
import { FramewiseError } from '../../core/util/errors.js';
import { peerFixture } from '../helpers/fixtures.js';
import { importAndWait, openTempCore, thumbnailPath } from '../helpers/library.js';
import { replaceDirWithFile } from '../helpers/environment.js';
import { generated } from '../helpers/media.js';
import { overlayMedia } from './overlay-media.js';
import { octagon } from './layout-cases.js';

describe('device profiles', () => {
  let ffmpeg: Ffmpeg;
  let engine: OcrEngine;
  let lib: Awaited<ReturnType<typeof openTempCore>>;
  before(async () => {
    ffmpeg = await Ffmpeg.create();
    engine = await OcrEngine.create();
    lib = await openTempCore();
  });
  after(async () => {
    await engine?.close();
    await lib?.close();
  });

  test('a profile scales to the video: the lx layout at 1280x720 reads the same fields', async (t) => {
    const dir = peerFixture(t, 'lx-anonymizer');
    if (!dir) return;
    const small = await generated('lx-frame2-720p.png', (out) => ['-i', path.join(dir, 'frame2.jpg'), '-vf', 'scale=1280:720', out]);
    const p = (await builtinProfiles()).find((x) => x.name === 'lx-anonymizer')!;
    const regions = profileRegions(p, 1280, 720);
    assert.deepEqual(regions.dob, { x: 0, y: 120, width: 160, height: 33 });
    const r = await runOcrOnImage(ffmpeg, small, { engine, layout: { profile: p.name, regions, dateOrder: 'dmy' } });
    assert.equal(r.fields.last_name?.value, 'Lux');
    assert.equal(r.fields.first_name?.value, 'Thomas');
    assert.equal(r.fields.dob?.value, '1994-03-21');
    assert.equal(r.fields.examination_date?.value, '2024-02-15');
  });

  test('the best-matching profile is suggested for an lx video, and none for another layout', async (t) => {
    const dir = peerFixture(t, 'lx-anonymizer');
    if (!dir) return;
    const lx = await generated('lx-frame1-2s.mp4', (out) => [
      '-loop',
      '1',
      '-i',
      path.join(dir, 'frame1.jpg'),
      '-t',
      '2',
      '-r',
      '5',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
      out,
    ]);
    const other = await overlayMedia('suggest-other', {
      duration: 2,
      endoscope: octagon,
      lines: [
        { text: 'Name: Groß, Mareike', x: 30, y: 600 },
        { text: 'geb. 30.04.1970', x: 30, y: 650 },
      ],
    });
    const [a, b] = await importAndWait(lib.core, [lx, other]);
    const va = (a!.output as { videoId: number }).videoId;
    const vb = (b!.output as { videoId: number }).videoId;
    await assert.rejects(lib.core.call('profiles.suggest', { video: va }), (e: FramewiseError) => e.code === 'precondition');
    for (const v of [va, vb]) {
      const { job } = await lib.core.call('ocr.start', { video: v, samples: 2 });
      assert.equal((await lib.core.services.jobs.waitFor(job.id, 120_000)).state, 'succeeded');
    }
    const sa = await lib.core.call('profiles.suggest', { video: va });
    assert.equal(sa[0]?.name, 'lx-anonymizer');
    assert.ok(sa[0]!.score >= SUGGEST_MIN_SCORE);
    const sb = await lib.core.call('profiles.suggest', { video: vb });
    assert.ok(
      sb.every((m) => m.score < SUGGEST_MIN_SCORE),
      JSON.stringify(sb),
    );
    // The OCR job picked the suggested profile by itself.
    assert.equal((await lib.core.call('patient.get', { video: va })).profile, 'lx-anonymizer');
    assert.equal((await lib.core.call('patient.get', { video: vb })).profile, null);
  });

  test('user profiles: save, edit, refuse a built-in name or an invalid shape, delete', async () => {
    const base = {
      name: 'Pentax left',
      referenceWidth: 1920,
      referenceHeight: 1080,
      fields: { name: { x: 10, y: 10, width: 300, height: 40 } },
    };
    await lib.core.call('profiles.save', { profile: base });
    await lib.core.call('profiles.save', {
      profile: { ...base, fields: { ...base.fields, dob: { x: 10, y: 60, width: 300, height: 40 } } },
    });
    const got = await lib.core.call('profiles.get', { name: 'Pentax left' });
    assert.equal(got.builtin, false);
    assert.ok(got.profile.fields.dob);
    await assert.rejects(
      lib.core.call('profiles.save', { profile: { ...base, name: 'lx-anonymizer' } }),
      (e: FramewiseError) => e.code === 'conflict',
    );
    await assert.rejects(
      lib.core.call('profiles.save', { profile: { ...base, fields: { nickname: base.fields.name } } }),
      (e: FramewiseError) => e.code === 'usage',
    );
    await lib.core.call('profiles.delete', { name: 'Pentax left' });
    await assert.rejects(lib.core.call('profiles.get', { name: 'Pentax left' }), (e: FramewiseError) => e.code === 'not_found');
  });

  /**
   * Also (issue 10, previews fail closed and the user is told): when the thumbnail cannot be made again with the new
   * region (the video's artifact folder is a file), the region is stored all the same, the stale thumbnail is no
   * longer served, and the command's result says so with a code and the kinds withdrawn.
   */
  test('a manually set endoscope region wins over detection and is checked against the frame', async () => {
    const file = await overlayMedia('manual-region', { duration: 1, endoscope: octagon, lines: [] });
    const [imp] = await importAndWait(lib.core, [file]);
    const v = (imp!.output as { videoId: number }).videoId;
    await assert.rejects(
      lib.core.call('endoscope.set', { video: v, region: { x: 1000, y: 0, width: 400, height: 400, shape: 'circle' } }),
      (e: FramewiseError) => e.code === 'usage',
    );
    const thumbnailDir = path.dirname(await thumbnailPath(lib.core, v));
    const restore = replaceDirWithFile(thumbnailDir);
    const set = await lib.core
      .call('endoscope.set', { video: v, region: { x: 600, y: 90, width: 580, height: 580, shape: 'circle' } })
      .finally(restore);
    assert.equal(set.source, 'manual');
    assert.equal(set.previewError?.code, 'preview_failed', JSON.stringify(set));
    assert.deepEqual(set.previewError?.withdrawn, ['thumbnail']);
    assert.ok(!set.previewError?.message.includes(lib.dataDir), 'no file names in the message');
    assert.equal((await lib.core.call('videos.get', { video: v })).thumbnailArtifactId, null, 'the stale thumbnail is withdrawn');
    const again = await lib.core.call('endoscope.set', { video: v, region: { x: 600, y: 90, width: 580, height: 580, shape: 'circle' } });
    assert.equal(again.previewError, undefined, 'the folder works again: no warning');
    assert.notEqual((await lib.core.call('videos.get', { video: v })).thumbnailArtifactId, null, 'the withdrawn thumbnail is made again');
    const { job } = await lib.core.call('ocr.start', { video: v, samples: 2 });
    assert.equal((await lib.core.services.jobs.waitFor(job.id, 120_000)).state, 'succeeded');
    const after = await lib.core.call('endoscope.get', { video: v });
    assert.deepEqual([after?.source, after?.shape, after?.x], ['manual', 'circle', 600]);
  });
});
