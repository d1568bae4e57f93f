import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { openTempCore, tempDir } from '../helpers/library.js';
import { media } from '../helpers/media.js';

/** The temp files recorded for running jobs (migration 57); paths come back opened (the library key is held). */
const recorded = (core: Awaited<ReturnType<typeof openTempCore>>['core']) =>
  core.services.db.raw.prepare('SELECT job_id FROM job_partial_outputs').all() as Array<{ job_id: number }>;

test('a job’s temp output file is recorded while it is written and forgotten when the job ends', { timeout: 180_000 }, async (t) => {
  const lib = await openTempCore({ concurrency: 1 });
  const out = tempDir('framewise-partials-');
  t.after(async () => {
    await lib.close();
    out.cleanup();
  });

  await t.test('finished: the output has its name, nothing is recorded any more', async () => {
    const started = await lib.core.call('convert.start', {
      inputs: [await media.mp4(2)],
      preset: 'remux-mkv',
      output: path.join(out.dir, 'a.mkv'),
    });
    const job = await lib.core.services.jobs.waitFor(started.jobs[0]!.jobId, 60_000);
    assert.equal(job.state, 'succeeded', JSON.stringify(job.error));
    assert.deepEqual(readdirSync(out.dir), ['a.mkv']);
    assert.deepEqual(recorded(lib.core), []);
  });

  await t.test('cancelled mid-write: recorded while running, then neither file nor record is left', async () => {
    const src = await media.slowToConvert();
    const started = await lib.core.call('convert.start', { inputs: [src], preset: 'webm-vp9', output: path.join(out.dir, 'b.webm') });
    const id = started.jobs[0]!.jobId;
    const deadline = Date.now() + 60_000;
    while ((await lib.core.services.jobs.get(id)).progress <= 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(recorded(lib.core), [{ job_id: id }], 'the temp file is recorded while ffmpeg writes it');
    const temp = readdirSync(out.dir).find((f) => f.startsWith('.b.webm.'));
    assert.ok(temp && existsSync(path.join(out.dir, temp)), 'ffmpeg writes under a hidden temp name');
    await lib.core.call('jobs.cancel', { id });
    assert.equal((await lib.core.services.jobs.waitFor(id, 30_000)).state, 'cancelled');
    assert.deepEqual(readdirSync(out.dir), ['a.mkv']);
    assert.deepEqual(recorded(lib.core), []);
  });
});
