import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Core } from '../../core/core.js';
import { importOutput } from '../../core/library/import-job.js';
import { importAndWait, tempDir } from '../helpers/library.js';
import { media } from '../helpers/media.js';

test('a job a person starts runs before queued background work (frame counts, timeline previews)', { timeout: 180_000 }, async (t) => {
  const lib = tempDir('framewise-priority-');
  const core = await Core.open({ dataDir: lib.dir, runJobs: true, concurrency: 1 });
  t.after(async () => {
    await core.close();
    lib.cleanup();
  });
  const [a, b] = await importAndWait(core, [await media.mp4(30, 'priority-30s.mp4'), await media.mp4(2)]);
  const video = importOutput.parse(a!.output).videoId;
  const other = importOutput.parse(b!.output).videoId;
  // Let the import's own follow-up (a background frame count) finish first.
  for (const j of await core.services.jobs.list({ states: ['queued', 'running'] })) await core.services.jobs.waitFor(j.id, 60_000);

  // A read of the overlay (OCR) is a person's job like the verify-decode below: never queued behind background work.
  const background = core.services.registry.backgroundNames();
  assert.ok(background.length > 0 && !background.includes('ocr'), `background kinds ${background.join(', ')}`);
  // One slot, busy with a foreground job; then background work is queued BEFORE a person's request.
  const busy = await core.call('jobs.enqueue', { kind: 'verify-decode', input: { videoId: video } });
  const sprites = await core.call('jobs.enqueue', { kind: 'sprites', input: { videoId: video } });
  const count = await core.call('jobs.enqueue', { kind: 'frame-count', input: { videoId: video } });
  const again = await core.call('jobs.enqueue', { kind: 'verify-decode', input: { videoId: other } });
  assert.equal((await core.call('jobs.get', { id: busy.job.id })).state, 'running', 'all three were queued while the slot was busy');
  const [s, c, v] = await Promise.all([
    core.services.jobs.waitFor(sprites.job.id, 120_000),
    core.services.jobs.waitFor(count.job.id, 120_000),
    core.services.jobs.waitFor(again.job.id, 120_000),
  ]);
  const started = (j: { startedAt: string | null }) => new Date(j.startedAt!).getTime();
  assert.ok(again.job.id > sprites.job.id && again.job.id > count.job.id, 'the request was queued last');
  assert.ok(started(v) <= started(s) && started(v) <= started(c), 'yet it started before both background jobs');
});
