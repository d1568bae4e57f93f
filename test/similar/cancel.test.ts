import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { openTempCore } from '../helpers/library.js';
import { longerFootage } from '../helpers/similar.js';
import { hasFingerprint } from '../../core/similar/store.js';

const ffmpegChildren = () => {
  try {
    return execFileSync('pgrep', ['-P', String(process.pid), 'ffmpeg'], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean).length;
  } catch {
    return 0;
  }
};

test('fingerprint job: cancelling stops ffmpeg and stores nothing; running it again stores the sequence', async () => {
  const lib = await openTempCore({ concurrency: 1 });
  try {
    // Not importAndWait: that waits for the follow-ups too, and this test cancels one.
    const res = await lib.core.call('videos.import', { paths: [await longerFootage()], copy: false });
    const imp = await lib.core.services.jobs.waitFor(res.jobs[0]!.jobId, 120_000);
    const videoId = (imp.output as { videoId: number }).videoId;
    const deadline = Date.now() + 60_000;
    let job = (await lib.core.call('jobs.list', { kind: 'fingerprint' }))[0];
    while (Date.now() < deadline && !(job && job.state === 'running' && (job.progress ?? 0) > 0)) {
      await new Promise((r) => setTimeout(r, 50));
      job = (await lib.core.call('jobs.list', { kind: 'fingerprint' }))[0];
    }
    assert.equal(job?.state, 'running', 'the import queued a fingerprint job that reports progress');
    await lib.core.call('jobs.cancel', { id: job.id });
    const done = await lib.core.services.jobs.waitFor(job.id, 30_000);
    assert.equal(done.state, 'cancelled');
    assert.equal(await hasFingerprint(lib.core.services.db.reader, videoId), false);
    assert.equal(ffmpegChildren(), 0, 'ffmpeg was stopped');

    const again = await lib.core.call('similar.fingerprint', { video: videoId });
    assert.ok(again.jobId);
    assert.equal((await lib.core.services.jobs.waitFor(again.jobId, 120_000)).state, 'succeeded');
    assert.equal(await hasFingerprint(lib.core.services.db.reader, videoId), true);
    assert.equal((await lib.core.call('similar.fingerprint', { video: videoId })).jobId, null, 'stored: not again');
  } finally {
    await lib.close();
  }
});
