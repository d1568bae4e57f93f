import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { AnonymizeJobOutput } from '../../core/anonymize/job.js';
import { importAndWait, openTempCore, tempDir, waitForAllJobs } from '../helpers/library.js';
import { endo, endoscopyVideo } from './endoscopy-media.js';
import { patientStringsIn } from './independent-ocr.js';

const require = createRequire(import.meta.url);

/**
 * Patient data at rest: after import, OCR, prediction and an export, EVERY file of the library (database, its
 * WAL and shared memory, artifacts, tmp, keys excepted) is searched for the patient's tokens as bytes (UTF-8,
 * case-insensitive), and every image artifact is read by an independent OCR. The clip carries the name in its
 * overlay, inside the image, in its container and stream tags and in a subtitle track; it is imported from a
 * folder named after the patient under a file name that is the patient's name and birth date (as clinics name
 * them), and the export is given the patient by hand (anonymize overrides, kept in the job's input). Its
 * subtitles are imported and edited (cue texts, history, track title), and it is exported into a folder named
 * after the patient that the export dialog remembers (export paths, plan, command line, settings).
 */
const needles = ['Müller', 'Jürgen', 'Mueller', 'Juergen', 'Weiß', '12.03.1961', '1961-03-12', '05.11.2024'];

function files(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...files(p));
    else out.push(p);
  }
  return out;
}

test('no patient token in any library file (database and WAL included); no image artifact readable', async () => {
  const lib = await openTempCore({ concurrency: 1 });
  const out = tempDir('framewise-at-rest-');
  const src = tempDir('framewise-at-rest-src-');
  try {
    const folder = path.join(src.dir, 'Müller-Weiß Jürgen 12.03.1961');
    mkdirSync(folder);
    const file = path.join(folder, 'Müller-Weiß_Jürgen_1961-03-12.mp4');
    copyFileSync(await endoscopyVideo(), file);
    const [imp] = await importAndWait(lib.core, [file]);
    assert.equal(imp?.state, 'succeeded', JSON.stringify(imp?.error));
    const videoId = (imp!.output as { videoId: number }).videoId;
    // The tags, the file name and its path are still shown where the key is present.
    const detail = await lib.core.call('videos.get', { video: videoId });
    assert.match(JSON.stringify(detail.metadata), /Müller-Weiß/);
    assert.equal(detail.name, 'Müller-Weiß_Jürgen_1961-03-12.mp4');
    assert.equal(detail.path, file);
    assert.equal((await lib.core.call('videos.list', { search: 'müller-weiß' })).videos[0]?.id, videoId);
    const ocr = await lib.core.call('ocr.start', { video: videoId });
    assert.equal((await lib.core.services.jobs.waitFor(ocr.job.id, 600_000)).state, 'succeeded');
    const pred = await lib.core.call('predict.run', { video: videoId, fps: 2 });
    assert.equal((await lib.core.services.jobs.waitFor(pred.job.id, 600_000)).state, 'succeeded');
    const sprites = await lib.core.services.jobs.enqueue('sprites', { videoId });
    await lib.core.services.jobs.waitFor(sprites.job.id, 600_000);
    // Subtitles: the clip's own track (its cue names the patient), a cue typed here and edited (edit history),
    // a track titled after the patient.
    const embedded = (await lib.core.call('subtitles.list', { video: videoId })).embedded.find((e) => e.importable);
    assert.ok(embedded, 'the clip has a text subtitle track');
    const track = await lib.core.call('subtitles.importStream', { video: videoId, stream: embedded.index, title: 'Müller-Weiß, Jürgen' });
    const trackId = (track as { track: { id: number } }).track.id;
    const added = await lib.core.call('subtitles.add', { video: videoId, track: trackId, startMs: 11000, endMs: 12000, text: 'Jürgen' });
    const cueId = (added as { cues: Array<{ id: number; text: string }> }).cues.find((c) => c.text === 'Jürgen')!.id;
    await lib.core.call('subtitles.update', { video: videoId, track: trackId, id: cueId, text: 'Herr Müller-Weiß, geb. 12.03.1961' });
    const cues = (await lib.core.call('subtitles.cues', { video: videoId, track: trackId })) as { cues: Array<{ text: string }> };
    assert.ok(
      cues.cues.some((c) => c.text === 'Herr Müller-Weiß, geb. 12.03.1961'),
      'cue texts are shown where the key is',
    );
    // The export goes to a folder named after the patient, which the export dialog remembers.
    const exportDir = path.join(out.dir, 'Müller-Weiß Jürgen 12.03.1961');
    mkdirSync(exportDir);
    await lib.core.call('settings.set', { key: 'exportRecentFolders', value: [exportDir] });
    await lib.core.call('settings.set', { key: 'exportDefaultFolder', value: exportDir });
    const settings = await lib.core.call('settings.get', {});
    assert.deepEqual(settings.exportRecentFolders, [exportDir]);
    assert.equal(settings.exportDefaultFolder, exportDir);
    const { job } = await lib.core.call<'anonymize.start'>('anonymize.start', {
      video: videoId,
      output: { dir: exportDir },
      // The patient as a reviewer typed it: kept in the job's input, which is stored sealed.
      overrides: {
        region: endo.region,
        textBoxes: [{ rect: endo.insideBox, source: 'manual' }],
        patient: { last_name: 'Müller-Weiß', first_name: 'Jürgen', dob: '1961-03-12', other: ['Mueller-Weiss Juergen'] },
      },
    });
    const done = await lib.core.services.jobs.waitFor(job.id, 600_000);
    assert.equal(done.state, 'succeeded', JSON.stringify(done.error));
    assert.ok((done.output as AnonymizeJobOutput).verification.ok);
    const [exp] = await lib.core.call('anonymize.exports', { video: videoId });
    assert.equal(path.dirname(exp!.outputPath), exportDir, 'the export list shows where the output went');

    // Every job done and announced (a job's follow-ups, e.g. the thumbnail masked again after OCR, publish their
    // files before the job is announced finished).
    await waitForAllJobs(lib.core);
    // Every byte of every file (the key file holds only the key; temp files of a write in flight are skipped).
    const all = files(lib.dataDir).filter((f) => !f.includes(`${path.sep}keys${path.sep}`) && !/\.partial/.test(f));
    assert.ok(all.some((f) => f.endsWith('library.sqlite-wal')) || all.some((f) => f.endsWith('library.sqlite')));
    for (const f of all) {
      if (!existsSync(f)) continue;
      const bytes = readFileSync(f);
      const text = bytes.toString('latin1').toLowerCase();
      const utf8 = bytes.toString('utf8').toLowerCase();
      for (const n of needles) {
        const hit = utf8.includes(n.toLowerCase()) || text.includes(n.toLowerCase());
        assert.ok(!hit, `${path.relative(lib.dataDir, f)} (${statSync(f).size} bytes) contains "${n}"`);
      }
    }
    // Every image artifact, read by Tesseract (upscaled ×3: thumbnails and sprite tiles are small).
    const images = all.filter((f) => /\.(jpe?g|png)$/i.test(f));
    assert.ok(images.length >= 2, `image artifacts: ${images.length}`);
    const Tesseract = (await import('tesseract.js')).default;
    const eng = (require('@tesseract.js-data/eng') as { langPath: string }).langPath;
    const w = await Tesseract.createWorker('eng', 1, { langPath: eng, cacheMethod: 'none', gzip: true });
    try {
      const { Ffmpeg } = await import('../../core/ffmpeg/index.js');
      const ff = await Ffmpeg.create();
      for (const img of images) {
        const big = path.join(out.dir, `${path.basename(img)}.x3.png`);
        await ff.run(['-v', 'error', '-i', img, '-vf', 'scale=iw*3:-2:flags=bicubic', '-frames:v', '1', big]);
        const { data } = await w.recognize(readFileSync(big));
        assert.deepEqual(
          patientStringsIn(data.text, ['Jürgen', 'Müller', 'Weiß', '12.03.1961']),
          [],
          `${path.relative(lib.dataDir, img)} is readable`,
        );
      }
    } finally {
      await w.terminate();
    }
  } finally {
    out.cleanup();
    src.cleanup();
    await lib.close();
  }
});
