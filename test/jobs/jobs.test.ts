import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { Core } from '../../core/core.js';
import { liveChildPids } from '../../core/ffmpeg/process.js';
import { importOutput } from '../../core/library/import-job.js';
import { importAndWait, tempDir } from '../helpers/library.js';
import { media } from '../helpers/media.js';
import type { CoreEvent } from '../../core/api/types.js';

const here = path.dirname(fileURLToPath(import.meta.url));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until<T>(
  fn: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  what: string,
  ms = 60_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v as T;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('durable jobs', () => {
  const lib = tempDir('framewise-jobs-');
  let core: Core;
  let longVideo: number;
  let shortVideo: number;
  before(async () => {
    core = await Core.open({ dataDir: lib.dir, runJobs: true, concurrency: 2 });
    const [long, short] = await importAndWait(core, [await media.long1080(60), await media.mp4(4)]);
    longVideo = importOutput.parse(long!.output).videoId;
    shortVideo = importOutput.parse(short!.output).videoId;
  });
  after(async () => {
    await core.close();
    lib.cleanup();
  });

  it('moves a job through queued → running → succeeded and logs its events', async () => {
    const { job } = await core.call('jobs.enqueue', { kind: 'verify-decode', input: { videoId: shortVideo } });
    assert.equal(job.state, 'queued');
    const done = await core.services.jobs.waitFor(job.id, 60_000);
    assert.equal(done.state, 'succeeded');
    assert.equal(done.progress, 1);
    assert.equal((done.output as { decodedFrames: number }).decodedFrames, 100);
    const events = (await core.call('jobs.events', { id: job.id })).map((e) => e.type);
    assert.deepEqual([events[0], events[1], events.at(-1)], ['created', 'started', 'succeeded']);
  });

  it('fails at once when a pre-condition is not met, saying what is missing', async () => {
    await assert.rejects(
      core.call('jobs.enqueue', { kind: 'frame-count', input: { videoId: 99999 } }),
      (err: Error & { code?: string }) => {
        assert.equal(err.code, 'precondition');
        assert.match(err.message, /not in the library/);
        return true;
      },
    );
    // A video whose file went away after import.
    const { copyFile, rm } = await import('node:fs/promises');
    const gone = path.join(lib.dir, 'gone.mp4');
    await copyFile(await media.mp4(1, 'gone-source.mp4'), gone);
    const [imp] = await importAndWait(core, [gone]);
    await rm(gone);
    await assert.rejects(
      core.call('jobs.enqueue', { kind: 'verify-decode', input: { videoId: importOutput.parse(imp!.output).videoId } }),
      /file is missing/,
    );
  });

  it('rejects invalid job input at the boundary', async () => {
    await assert.rejects(core.call('jobs.enqueue', { kind: 'frame-count', input: { videoId: 'x' } }), /Invalid input/);
    await assert.rejects(core.call('jobs.enqueue', { kind: 'no-such-kind', input: {} }), /Unknown job kind/);
  });

  it('returns the existing job when the same work is asked for again', async () => {
    const a = await core.call('jobs.enqueue', { kind: 'verify-decode', input: { videoId: longVideo } });
    const b = await core.call('jobs.enqueue', { kind: 'verify-decode', input: { videoId: longVideo } });
    assert.equal(b.existing, true);
    assert.equal(b.job.id, a.job.id);
    await core.call('jobs.cancel', { id: a.job.id });
  });

  it('cancel kills ffmpeg, marks the job cancelled and throttles progress to ≤ 10 events a second', async () => {
    const progressTimes: number[] = [];
    const unsub = core.subscribe((e: CoreEvent) => {
      if (e.type === 'job.progress') progressTimes.push(Date.now());
    });
    const { job } = await core.call('jobs.enqueue', { kind: 'verify-decode', input: { videoId: longVideo } });
    await until(async () => (await core.call('jobs.get', { id: job.id })).state === 'running', 'job running');
    await until(() => liveChildPids().length > 0 && progressTimes.length > 3, 'ffmpeg running with progress', 180_000);
    const pids = liveChildPids();
    const cancelled = await core.call('jobs.cancel', { id: job.id });
    unsub();
    assert.equal(cancelled.state, 'cancelled');
    for (const pid of pids) await until(() => !alive(pid), `ffmpeg ${pid} gone`, 2000);
    // Throttle: no 1-second window holds more than 10 progress events of this job.
    for (let i = 0; i < progressTimes.length; i++) {
      const inWindow = progressTimes.filter((t) => t >= progressTimes[i]! && t < progressTimes[i]! + 1000).length;
      assert.ok(inWindow <= 11, `${inWindow} progress events within one second`);
    }
    const events = (await core.call('jobs.events', { id: job.id })).map((e) => e.type);
    assert.ok(events.includes('cancelled'));
  });

  it('re-queues a job whose process died, and runs it at the next start', async () => {
    // This process stays out of the queue while the other one owns the job (as if it were not running yet).
    await core.services.runner!.stop();
    const host = spawn(
      process.execPath,
      [path.join(here, '..', 'helpers', 'job-host.js'), lib.dir, 'verify-decode', JSON.stringify({ videoId: longVideo })],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
        detached: true,
      },
    );
    let out = '';
    host.stdout.on('data', (d) => (out += d));
    await until(() => /RUNNING (\d+)/.test(out), 'the other process to start the job');
    const jobId = Number(/RUNNING (\d+)/.exec(out)![1]);
    // Kill the whole process group: the host and its ffmpeg child, as a crash or power loss would.
    process.kill(-host.pid!, 'SIGKILL');
    await new Promise((r) => host.once('close', r));
    // Nothing has re-queued it yet (no runner runs here), but every query shows it as interrupted at once.
    const stuck = await core.call('jobs.get', { id: jobId });
    assert.equal(stuck.state, 'interrupted', 'shown as interrupted right after the crash');
    assert.equal(stuck.etaSeconds, null);
    const stored = await core.services.db.reader.selectFrom('jobs').select('state').where('id', '=', jobId).executeTakeFirstOrThrow();
    assert.equal(stored.state, 'running', 'the stored state is untouched until a runner recovers it');
    // The next start recovers it.
    const recovered = await core.services.runner!.recover();
    assert.ok(recovered >= 1);
    await core.services.runner!.start();
    const events = (await core.call('jobs.events', { id: jobId })).map((e) => e.type);
    assert.ok(events.includes('requeued'), events.join(','));
    // This process's runner takes it from the queue and finishes it (attempt 2).
    const done = await core.services.jobs.waitFor(jobId, 120_000);
    assert.equal(done.state, 'succeeded');
    assert.equal(done.attempts, 2);
  });

  it('gives up after the maximum attempts with the reason', async () => {
    const db = core.services.db.writer;
    const { job } = await core.call('jobs.enqueue', { kind: 'frame-count', input: { videoId: shortVideo } });
    await core.services.jobs.waitFor(job.id, 30_000);
    // Simulate a job whose runner died on its last attempt.
    const row = await db
      .insertInto('jobs')
      .values({
        kind: 'frame-count',
        video_id: shortVideo,
        dedupe_key: 'test-exhausted',
        input_json: JSON.stringify({ videoId: shortVideo }),
        state: 'running',
        progress: 0.3,
        attempts: 3,
        max_attempts: 3,
        cancel_requested: 0,
        runner_id: 'elsewhere:1:dead',
        runner_pid: 1,
        heartbeat_at: new Date(Date.now() - 60_000).toISOString(),
        created_at: new Date().toISOString(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await core.services.runner!.recover();
    const failed = await core.call('jobs.get', { id: row.id });
    assert.equal(failed.state, 'failed');
    assert.match(failed.error!.message, /giving up after 3 attempts/);
  });
});
