import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { makeBrokenFiles } from '../helpers/broken.js';
import { openTempCore, tempDir } from '../helpers/library.js';
import { keyint250Clip, media } from '../helpers/media.js';

/** 20 s, one keyframe every 10 s: bytes 55–60 % of the file (about 11 s in) overwritten with noise. */
async function corruptedMiddle(dir: string): Promise<string> {
  const clean = await keyint250Clip();
  const bytes = readFileSync(clean);
  let seed = 7;
  for (let i = Math.floor(bytes.length * 0.55); i < Math.floor(bytes.length * 0.6); i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    bytes[i] = seed & 0xff;
  }
  const file = path.join(dir, 'middle-damaged.mp4');
  writeFileSync(file, bytes);
  return file;
}

test('import messages say what happened', { timeout: 600_000 }, async (t) => {
  const { core, close } = await openTempCore({ concurrency: 1 });
  t.after(close);
  const scratch = tempDir('framewise-import-messages-');
  t.after(() => scratch.cleanup());
  const importOne = async (file: string) => {
    const { jobs } = await core.call('videos.import', { paths: [file] });
    return core.services.jobs.waitFor(jobs[0]!.jobId, 300_000);
  };

  await t.test('a file with a damaged middle: "cannot be decoded at N s", where the damage is', async () => {
    const job = await importOne(await corruptedMiddle(scratch.dir));
    assert.equal(job.state, 'failed');
    assert.equal(job.error?.code, 'undecodable');
    const m = /cannot be decoded at (\d+\.\d) s/.exec(job.error!.message);
    assert.ok(m, job.error!.message);
    const at = Number(m[1]);
    assert.ok(at >= 10 && at <= 12.5, `the damage is about 11 s in; reported ${at} s`);
    assert.doesNotMatch(job.error!.message, /truncated|near its end/);
  });

  await t.test('a file cut short is still reported as truncated', async () => {
    const bad = await makeBrokenFiles(path.join(scratch.dir, 'broken'));
    const job = await importOne(bad.truncated);
    assert.equal(job.error?.code, 'truncated');
    assert.match(job.error!.message, /truncated/);
  });

  await t.test('a file deleted while it is imported: "disappeared during import"', async () => {
    const file = path.join(scratch.dir, 'deleted-during-import.mp4');
    copyFileSync(await media.long1080(60), file);
    let deleted = false;
    // Delete it as soon as the import has started reading it (the listener runs before the import goes on).
    const off = core.subscribe((e) => {
      if (!deleted && e.type === 'job.progress' && e.stage === 'hashing') {
        deleted = true;
        unlinkSync(file);
      }
    });
    const job = await importOne(file);
    off();
    assert.ok(deleted, 'the file was deleted during the import');
    assert.equal(job.state, 'failed');
    assert.equal(job.error?.code, 'file_missing');
    assert.match(job.error!.message, /deleted-during-import\.mp4: the file disappeared during import/);
    assert.doesNotMatch(job.error!.message, /truncated|damaged/);
  });
});
