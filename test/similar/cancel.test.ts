import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { openTempCore, waitForFollowUps } from '../helpers/library.js';
import { longerFootage } from '../helpers/similar.js';
import { replaceClips } from '../../core/clips/edits.js';
import { hasFingerprint, type SimilarTables } from '../../core/similar/store.js';

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

/**
 * One library and one import of the 90 s footage for both tests (importing it, counting its frames and
 * fingerprinting it is most of this file's work): the first test cancels the import's fingerprint job and runs
 * it again, the second finds the video fingerprinted and works on its clips.
 */
let shared:
  Promise<{ lib: Awaited<ReturnType<typeof openTempCore>>; imp: { state: string; output: unknown }; videoId: number }> | undefined;
// Registered at the file's level: called inside a test, `after` would close the library when that test ends.
after(async () => (await shared)?.lib.close());
const imported = () =>
  (shared ??= (async () => {
    const lib = await openTempCore({ concurrency: 1 });
    // Not importAndWait: that waits for the follow-ups too, and the first test cancels one.
    const res = await lib.core.call('videos.import', { paths: [await longerFootage()], copy: false });
    const imp = await lib.core.services.jobs.waitFor(res.jobs[0]!.jobId, 120_000);
    return { lib, imp, videoId: (imp.output as { videoId: number }).videoId };
  })());

test('fingerprint job: cancelling stops ffmpeg and stores nothing; running it again stores the sequence', async () => {
  const { lib, videoId } = await imported();
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
});

test('clip-fingerprints job: progress and ETA in the jobs list; cancelling stops ffmpeg and stores nothing; a search queues and awaits it', async () => {
  const { lib, imp, videoId } = await imported();
  // Run alone, the import's follow-ups may still be running; after the first test they are done.
  await waitForFollowUps(lib.core, imp);
  // 60 clips of 1.5 s: one small frame decoded per clip.
  const ranges = Array.from({ length: 60 }, (_, i) => ({ startFrame: i * 45, endFrame: (i + 1) * 45 }));
  await replaceClips(lib.core.services, videoId, ranges);
  const stored = async () =>
    (await lib.core.services.db.reader.withTables<SimilarTables>().selectFrom('clip_fingerprints').select('clip_id').execute()).length;

  const { jobIds } = await lib.core.call('similar.prepare', {});
  assert.equal(jobIds.length, 1);
  const deadline = Date.now() + 60_000;
  let job = await lib.core.call('jobs.get', { id: jobIds[0]! });
  while (Date.now() < deadline && !(job.state === 'running' && job.progress > 0 && job.etaSeconds !== null)) {
    await new Promise((r) => setTimeout(r, 50));
    job = await lib.core.call('jobs.get', { id: jobIds[0]! });
  }
  assert.equal(job.kind, 'clip-fingerprints');
  assert.equal(job.state, 'running', 'the job reports progress while it runs');
  assert.ok(job.etaSeconds !== null && job.etaSeconds >= 0, `an ETA: ${job.etaSeconds}`);
  assert.ok(
    (await lib.core.call('jobs.list', { kind: 'clip-fingerprints' })).some((j) => j.id === job.id),
    'in the jobs list',
  );
  await lib.core.call('jobs.cancel', { id: job.id });
  assert.equal((await lib.core.services.jobs.waitFor(job.id, 30_000)).state, 'cancelled');
  assert.equal(await stored(), 0, 'a cancelled job stores nothing');
  assert.equal(ffmpegChildren(), 0, 'ffmpeg was stopped');

  // A search needs the fingerprints: it queues the job again and waits for it.
  const found = await lib.core.call('similar.search', { video: videoId, clip: 1, top: 3 });
  assert.equal(found.results.length, 3);
  assert.equal(await stored(), 60);
  const jobs = await lib.core.call('jobs.list', { kind: 'clip-fingerprints' });
  assert.deepEqual(jobs.map((j) => j.state).sort(), ['cancelled', 'succeeded']);
  assert.deepEqual((await lib.core.call('similar.prepare', {})).jobIds, [], 'all stored: nothing to queue');
});
