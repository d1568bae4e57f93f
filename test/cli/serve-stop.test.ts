import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Core } from '../../core/core.js';
import { deferCleanups } from '../helpers/cleanups.js';
import { tempDir } from '../helpers/library.js';
import { media } from '../helpers/media.js';
import { startServe, type ServeProcess } from '../helpers/serve.js';
import { processesMentioning } from '../helpers/processes.js';

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const exitOf = (server: ServeProcess) =>
  new Promise<{ code: number | null; at: number }>((resolve) => server.child.once('exit', (code) => resolve({ code, at: Date.now() })));

/**
 * `framewise serve` on a fresh library, converting a clip (VP9: long enough to be stopped mid-way): the server,
 * the job's id, its output folder, and the library opened in this process (no runner) that queued the job.
 */
async function serveConverting(t: TestContext, env: NodeJS.ProcessEnv = {}) {
  const src = await media.slowToConvert();
  const defer = deferCleanups(t);
  const lib = tempDir('framewise-serve-stop-');
  const out = tempDir('framewise-serve-stop-out-');
  defer(() => {
    lib.cleanup();
    out.cleanup();
  });
  const server = await startServe(lib.dir, ['--concurrency', '1'], env);
  defer(() => server.stop());
  const core = await Core.open({ dataDir: lib.dir });
  defer(() => core.close());
  const started = await core.call('convert.start', { inputs: [src], preset: 'webm-vp9', output: path.join(out.dir, 'x.webm') });
  const jobId = started.jobs[0]!.jobId;
  await until('the server to run the conversion', async () => (await core.services.jobs.get(jobId)).progress > 0);
  assert.ok(processesMentioning(out.dir).length > 0, 'ffmpeg is converting');
  return { server, jobId, out, core, libDir: lib.dir };
}

test('serve stops at Ctrl+C: jobs stopped and handed back, a stop that hangs is cut short', { timeout: 300_000 }, async (t) => {
  await t.test('SIGTERM: the running job stops, goes back to the queue, nothing half-written; exit 0', async (t) => {
    const { server, jobId, out, core } = await serveConverting(t);
    const exit = exitOf(server);
    const t0 = Date.now();
    server.child.kill('SIGTERM');
    const { code, at } = await exit;
    assert.equal(code, 0, server.output());
    assert.ok(at - t0 < 15_000, `stopped in ${at - t0} ms`);
    assert.match(server.output(), /Stopping…/);
    assert.deepEqual(
      processesMentioning(out.dir).map((p) => p.pid),
      [],
      'no ffmpeg left',
    );
    assert.deepEqual(readdirSync(out.dir), [], 'no partial output');
    assert.equal((await core.services.jobs.get(jobId)).state, 'queued', 'the next runner takes the job up again');
  });

  await t.test('a second Ctrl+C while stopping exits at once, naming the job still running; the next start recovers it', async (t) => {
    // The hook makes stopping take 10 minutes, as a job that does not honour its abort would.
    const { server, jobId, out, libDir } = await serveConverting(t, { FRAMEWISE_TEST_HOOKS: '1', FRAMEWISE_TEST_SLOW_STOP_MS: '600000' });
    const exit = exitOf(server);
    server.child.kill('SIGTERM');
    await until('"Stopping…"', () => server.output().includes('Stopping…'), 30_000);
    const t0 = Date.now();
    server.child.kill('SIGINT');
    const { code, at } = await exit;
    assert.equal(code, 1);
    assert.ok(at - t0 < 10_000, `exited ${at - t0} ms after the second Ctrl+C`);
    assert.match(server.output(), new RegExp(`Stopping was interrupted again; exiting now\\. Still running: convert #${jobId}\\.`));
    // ffmpeg dies with the server (parent-death signal): its hidden partial file is left in the output folder. The
    // next start removes it (the job recorded it, sealed) and says so in the cleanup audit, without the path; the
    // job shows as interrupted (its runner is gone) and the next runner takes it up again.
    await until('ffmpeg to end with the server', () => processesMentioning(out.dir).length === 0, 10_000);
    const left = readdirSync(out.dir);
    assert.equal(left.length, 1, 'the partial file the killed conversion left');
    assert.match(left[0]!, /^\.x\.webm\.[0-9a-f]{12}\.partial\.webm$/);
    for (const f of readdirSync(libDir).filter((n) => n.startsWith('library.sqlite')))
      assert.equal(readFileSync(path.join(libDir, f)).includes(Buffer.from(out.dir)), false, `${f}: the recorded temp path is sealed`);
    const next = await Core.open({ dataDir: libDir });
    try {
      assert.equal((await next.services.jobs.get(jobId)).state, 'interrupted');
      assert.deepEqual(readdirSync(out.dir), [], 'no partial output after the next start');
      const audit = next.services.db.raw.prepare("SELECT detail_json FROM cleanup_audit WHERE kind = 'partial_output'").all() as Array<{
        detail_json: string;
      }>;
      assert.deepEqual(
        audit.map((a) => JSON.parse(a.detail_json) as unknown),
        [{ jobId, fileRemoved: 1 }],
      );
    } finally {
      await next.close();
    }
    const runner = await Core.open({ dataDir: libDir, runJobs: true, concurrency: 1 });
    try {
      await until('the next runner to take the job up', async () => (await runner.services.jobs.get(jobId)).state === 'running');
      await runner.call('jobs.cancel', { id: jobId });
      assert.equal((await runner.services.jobs.waitFor(jobId, 30_000)).state, 'cancelled');
    } finally {
      await runner.close();
    }
  });

  await t.test('stopping longer than the grace time exits with an error saying so', async (t) => {
    const defer = deferCleanups(t);
    const lib = tempDir('framewise-serve-stop-');
    defer(() => lib.cleanup());
    const server = await startServe(lib.dir, [], {
      FRAMEWISE_TEST_HOOKS: '1',
      FRAMEWISE_TEST_SLOW_STOP_MS: '600000',
      FRAMEWISE_TEST_SHUTDOWN_GRACE_MS: '1500',
    });
    defer(() => server.stop());
    const exit = exitOf(server);
    server.child.kill('SIGTERM');
    const { code } = await exit;
    assert.equal(code, 1);
    assert.match(server.output(), /Stopping took over 1\.5 s; exiting now\.\n/);
  });

  await t.test('the test hooks are ignored without FRAMEWISE_TEST_HOOKS=1: a normal stop', async (t) => {
    const defer = deferCleanups(t);
    const lib = tempDir('framewise-serve-stop-');
    defer(() => lib.cleanup());
    const server = await startServe(lib.dir, [], { FRAMEWISE_TEST_SLOW_STOP_MS: '600000', FRAMEWISE_TEST_SHUTDOWN_GRACE_MS: '1' });
    await server.stop();
  });
});
