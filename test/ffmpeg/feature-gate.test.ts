import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { inspectBinary } from '../../core/ffmpeg/capabilities.js';
import { endo, endoscopyVideo } from '../anonymize/endoscopy-media.js';
import { importAndWait, openTempCore, tempDir } from '../helpers/library.js';
import { ffmpegPath } from '../helpers/media.js';

test('an ffmpeg without libx264 disables anonymization up front, naming what is missing; nothing is started or written', async (t) => {
  const work = tempDir('framewise-feature-gate-');
  t.after(() => work.cleanup());
  // A real ffmpeg whose capability record (the cache the check keeps per binary and mtime) lacks libx264:
  // what Framewise knows about a build that was compiled without it.
  const binary = path.join(work.dir, 'bin', 'ffmpeg');
  mkdirSync(path.dirname(binary));
  copyFileSync(await ffmpegPath(), binary);
  const real = await inspectBinary(binary, 'ffmpeg');
  const st = statSync(binary);
  const cacheDir = path.join(work.dir, 'cache');
  mkdirSync(cacheDir);
  const caps = { ...real, encoders: real.encoders.filter((e) => e !== 'libx264') };
  writeFileSync(
    path.join(cacheDir, 'ffmpeg-capabilities.json'),
    JSON.stringify({ [`ffmpeg|${binary}`]: { mtimeMs: st.mtimeMs, size: st.size, caps } }),
  );
  const prev = process.env.FRAMEWISE_CACHE_DIR;
  process.env.FRAMEWISE_CACHE_DIR = cacheDir;
  t.after(() => (prev === undefined ? delete process.env.FRAMEWISE_CACHE_DIR : (process.env.FRAMEWISE_CACHE_DIR = prev)));

  const lib = await openTempCore({ ffmpegPath: binary });
  t.after(() => lib.close());
  const [imported] = await importAndWait(lib.core, [await endoscopyVideo()]);
  assert.equal(imported?.state, 'succeeded', 'import does not need libx264');
  const videoId = (imported!.output as { videoId: number }).videoId;

  const info = await lib.core.call('library.info', {});
  assert.deepEqual(info.ffmpegFeatures['anonymize.render'], { available: false, missing: ['encoder libx264'] });
  assert.ok(info.ffmpegWarnings.some((w) => /anonymize\.render is disabled: ffmpeg lacks encoder libx264/.test(w)));

  const out = path.join(work.dir, 'out');
  mkdirSync(out);
  const overrides = {
    region: endo.region,
    textBoxes: [{ rect: endo.insideBox, source: 'manual' as const }],
    segments: [{ ...endo.outside, label: 'outside', validated: true }],
    patient: endo.patient,
  };
  await assert.rejects(
    lib.core.call('anonymize.start', { video: videoId, output: { dir: out }, overrides }),
    (err: Error & { code?: string }) => {
      assert.equal(err.code, 'ffmpeg_feature_missing');
      assert.match(err.message, /anonymize\.render is disabled: the ffmpeg in use \(.*\/bin\/ffmpeg\) lacks encoder libx264/);
      return true;
    },
  );
  const jobs = await lib.core.call('jobs.list', {});
  assert.deepEqual(
    jobs.filter((j) => j.kind === 'anonymize'),
    [],
    'no anonymize job was started',
  );
  assert.deepEqual(readdirSync(out), []);
});
