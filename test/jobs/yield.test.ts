import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Core } from '../../core/core.js';
import { importOutput } from '../../core/library/import-job.js';
import { spriteIndex } from '../../core/review/sprites-job.js';
import { importAndWait, tempDir } from '../helpers/library.js';
import { media } from '../helpers/media.js';

test('a running background job yields its slot to a job a person starts, then runs again to the end', { timeout: 300_000 }, async (t) => {
  const lib = tempDir('framewise-yield-');
  const core = await Core.open({ dataDir: lib.dir, runJobs: true, concurrency: 1 });
  t.after(async () => {
    await core.close();
    lib.cleanup();
  });
  const [a, b] = await importAndWait(core, [await media.mp4(120, 'yield-120s.mp4'), await media.mp4(2)]);
  const long = importOutput.parse(a!.output).videoId;
  const short = importOutput.parse(b!.output).videoId;
  for (const j of await core.services.jobs.list({ states: ['queued', 'running'] })) await core.services.jobs.waitFor(j.id, 120_000);

  // The only slot runs timeline previews of a long video (background work nobody asked for)…
  const sprites = await core.call('jobs.enqueue', { kind: 'sprites', input: { videoId: long } });
  await new Promise<void>((resolve) => {
    const off = core.services.events.subscribe((e) => {
      if (e.type === 'job.progress' && e.jobId === sprites.job.id && e.progress > 0) {
        off();
        resolve();
      }
    });
  });
  // …when a person asks for something: it starts at once instead of waiting for the previews.
  const asked = await core.call('jobs.enqueue', { kind: 'verify-decode', input: { videoId: short } });
  const v = await core.services.jobs.waitFor(asked.job.id, 120_000);
  assert.equal(v.state, 'succeeded');
  const s = await core.services.jobs.waitFor(sprites.job.id, 240_000);
  assert.equal(s.state, 'succeeded', `the previews ran again after the request, to the end: ${JSON.stringify(s.error)}`);
  assert.ok(new Date(v.finishedAt!).getTime() < new Date(s.startedAt!).getTime(), 'the previews restarted after the request finished');
  // A video over 100 seconds has two sheets of 100 thumbnails (artifacts are unique per video and kind).
  const index = await spriteIndex(core.services.db.reader, long);
  assert.equal(index?.count, 120);
  assert.equal(index?.sheets.length, 2);
  const events = await core.services.db.reader
    .selectFrom('job_events')
    .select(['type', 'data_json'])
    .where('job_id', '=', sprites.job.id)
    .orderBy('id')
    .execute();
  const requeued = events.filter((e) => e.type === 'requeued');
  assert.equal(requeued.length, 1, JSON.stringify(events));
  assert.match(requeued[0]!.data_json ?? '', /"reason":"yield"/);
  assert.equal(
    (await core.services.db.reader.selectFrom('jobs').select('attempts').where('id', '=', sprites.job.id).executeTakeFirstOrThrow())
      .attempts,
    1,
  );
});
