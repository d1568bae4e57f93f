import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Core } from '../../core/core.js';
import { liveChildPids } from '../../core/ffmpeg/process.js';
import { sha256File } from '../../core/util/fs.js';
import type { VerificationResult } from '../../core/anonymize/verify.js';
import { importAndWait, openTempCore, tempDir } from '../helpers/library.js';
import { media } from '../helpers/media.js';
import { endo, endoscopyVideo } from './endoscopy-media.js';
import { isRoot, mountTmpfs, requireEnvironment } from '../helpers/environment.js';
import { processesMentioning } from '../helpers/processes.js';

/**
 * Fault injection: whatever goes wrong during an export, no output file exists afterwards (not even a
 * partial one), the original is untouched, and the error says what happened.
 */
const overrides = {
  region: endo.region,
  textBoxes: [{ rect: endo.insideBox, source: 'manual' }],
  segments: [{ ...endo.outside, label: 'outside', validated: true }],
  patient: endo.patient,
};

const bigRegion = { region: { x: 420, y: 0, width: 1080, height: 1080, shape: 'circle' as const } };
/** The render faults below need a long render, not the text scan before it: no time-ranged masks, no scan. */
const noScan = { timedMasks: [] };

async function openTempCoreAt(dataDir: string, concurrency = 1): Promise<Core> {
  const { Core: CoreClass } = await import('../../core/core.js');
  return CoreClass.open({ dataDir, runJobs: true, concurrency });
}

/**
 * The libraries are shared by the tests of this file (an import of the 60 s 1080p video, with its frame count
 * and fingerprint, costs more than the render faults themselves): each test looks at its own job and export.
 */
interface Shared {
  core: Core;
  videoId: number;
  file: string;
  close: () => Promise<void>;
}

async function importInto(core: Core, file: string): Promise<number> {
  const [job] = await importAndWait(core, [file]);
  assert.equal(job?.state, 'succeeded', JSON.stringify(job?.error));
  return (job!.output as { videoId: number }).videoId;
}

let endoShared: Promise<Shared> | undefined;
/** The endoscopy-like clip in a library (the output-folder faults). */
function library(): Promise<Shared> {
  endoShared ??= (async () => {
    const file = await endoscopyVideo();
    const lib = await openTempCore();
    return { core: lib.core, videoId: await importInto(lib.core, file), file, close: lib.close };
  })();
  return endoShared;
}

let longShared: Promise<Shared & { dir: string; originalSha: string; closed: boolean }> | undefined;
/** The long 1080p video (a render long enough to be hit mid-way) in a library folder another process can open. */
function longLibrary(): Promise<Shared & { dir: string; originalSha: string; closed: boolean }> {
  longShared ??= (async () => {
    const file = await media.long1080(60);
    const originalSha = await sha256File(file);
    const lib = tempDir();
    const core = await openTempCoreAt(lib.dir, 2);
    const shared = {
      core,
      videoId: await importInto(core, file),
      file,
      dir: lib.dir,
      originalSha,
      closed: false,
      close: async () => {
        if (!shared.closed) await core.close();
        shared.closed = true;
        lib.cleanup();
      },
    };
    return shared;
  })();
  return longShared;
}

after(async () => {
  await (await endoShared)?.close();
  await (await longShared)?.close();
});

/** The export record of one job. */
async function exportOf(core: Core, videoId: number, jobId: number) {
  return (await core.call('anonymize.exports', { video: videoId })).find((e) => e.jobId === jobId);
}

/** Resolves once the job reports render progress. */
function whenRendering(core: Core, jobId: number): Promise<void> {
  return new Promise((resolve) => {
    const off = core.subscribe((e) => {
      if (e.type === 'job.progress' && e.jobId === jobId && e.stage === 'rendering' && e.progress > 0.01) {
        off();
        resolve();
      }
    });
  });
}

function renderPids(): number[] {
  return processesMentioning('.partial.mp4', liveChildPids()).map((p) => p.pid);
}

test('cancel mid-render: ffmpeg is killed, no output file, export recorded as cancelled', async () => {
  const { core, videoId, file, originalSha } = await longLibrary();
  const out = tempDir('framewise-anon-out-');
  try {
    const { job } = await core.call<'anonymize.start'>('anonymize.start', {
      video: videoId,
      output: { dir: out.dir },
      options: { preset: 'balanced' },
      overrides: bigRegion,
      ...noScan,
    });
    await whenRendering(core, job.id);
    assert.equal(renderPids().length, 1, 'the render is running');
    const cancelled = await core.call('jobs.cancel', { id: job.id });
    assert.equal(cancelled.state, 'cancelled');
    assert.deepEqual(readdirSync(out.dir), [], 'no output and no temp file');
    assert.deepEqual(renderPids(), [], 'ffmpeg is gone');
    assert.equal((await exportOf(core, videoId, job.id))?.state, 'cancelled');
    assert.equal(await sha256File(file), originalSha);
  } finally {
    out.cleanup();
  }
});

test('ffmpeg killed from outside mid-render: the job fails with a clear error, no output file', async () => {
  const { core, videoId } = await longLibrary();
  const out = tempDir('framewise-anon-out-');
  try {
    const { job } = await core.call<'anonymize.start'>('anonymize.start', {
      video: videoId,
      output: { dir: out.dir },
      options: { preset: 'balanced' },
      overrides: bigRegion,
      ...noScan,
    });
    await whenRendering(core, job.id);
    const [pid] = renderPids();
    assert.ok(pid);
    process.kill(pid, 'SIGKILL');
    const done = await core.services.jobs.waitFor(job.id, 60_000);
    assert.equal(done.state, 'failed');
    assert.equal(done.error?.code, 'ffmpeg_failed');
    assert.match(done.error?.message ?? '', /Rendering the anonymized video failed: .*SIGKILL.*No output was written/);
    assert.deepEqual(readdirSync(out.dir), []);
    assert.equal((await exportOf(core, videoId, job.id))?.state, 'failed');
  } finally {
    out.cleanup();
  }
});

test('full output disk (200 kB tmpfs): disk_full error, no output file', async (t) => {
  if (!requireEnvironment(t, isRoot, 'mounting a tmpfs needs root')) return;
  const { core, videoId } = await library();
  const out = tempDir('framewise-anon-full-');
  const unmount = mountTmpfs(out.dir, 'size=200k');
  try {
    const { job } = await core.call('anonymize.start', { video: videoId, output: { dir: out.dir }, overrides, ...noScan });
    const done = await core.services.jobs.waitFor(job.id, 120_000);
    assert.equal(done.state, 'failed');
    assert.equal(done.error?.code, 'disk_full', JSON.stringify(done.error));
    assert.ok(done.error?.message.startsWith(`disk full in ${out.dir}: rendering the anonymized video stopped`), done.error?.message);
    assert.deepEqual(readdirSync(out.dir), []);
    const rec = await exportOf(core, videoId, job.id);
    assert.equal(rec?.state, 'failed');
    assert.equal(rec?.error?.code, 'disk_full');
  } finally {
    unmount();
    out.cleanup();
  }
});

test('verification failure (masks disabled by the test hook): output rejected and deleted, frame and field named', async () => {
  const { core, videoId } = await library();
  const out = tempDir('framewise-anon-out-');
  const before = process.env.FRAMEWISE_TEST_HOOKS;
  try {
    // Without the env switch the hook is refused.
    await assert.rejects(
      core.services.jobs.enqueue('anonymize', { videoId, output: { dir: out.dir }, overrides, ...noScan, unsafeDisableMasks: true }),
      /test hook and is refused outside tests/,
    );

    process.env.FRAMEWISE_TEST_HOOKS = '1';
    const { job } = await core.services.jobs.enqueue('anonymize', {
      videoId,
      output: { dir: out.dir },
      overrides,
      ...noScan,
      unsafeDisableMasks: true,
    });
    const done = await core.services.jobs.waitFor(job.id, 300_000);
    assert.equal(done.state, 'failed');
    assert.equal(done.error?.code, 'verification_failed');
    assert.match(
      done.error?.message ?? '',
      /it was deleted\. First: Text matching the patient's .* is readable in frame \d+ \([\d.]+ s\) at x=\d+/,
    );
    assert.ok(!/Müller|Jürgen|1961/.test(done.error?.message ?? ''), 'the error names the field, not the value');
    assert.deepEqual(readdirSync(out.dir), []);
    const rec = await exportOf(core, videoId, job.id);
    assert.equal(rec?.state, 'rejected');
    const v = rec?.verification as VerificationResult;
    assert.equal(v.ok, false);
    assert.ok(v.findings.some((f) => f.check === 'patient_text' && f.field === 'last_name'));
    assert.ok(v.findings.some((f) => f.check === 'masked_text'));
    assert.ok(!JSON.stringify(rec).includes('Müller'));
  } finally {
    if (before === undefined) delete process.env.FRAMEWISE_TEST_HOOKS;
    else process.env.FRAMEWISE_TEST_HOOKS = before;
    out.cleanup();
  }
});

test('an existing file at the output path is never replaced', async () => {
  const { core, videoId } = await library();
  const out = tempDir('framewise-anon-out-');
  try {
    const target = path.join(out.dir, 'export.mp4');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(target, 'keep me');
    const { job } = await core.call('anonymize.start', { video: videoId, output: { path: target }, overrides, ...noScan });
    const done = await core.services.jobs.waitFor(job.id, 120_000);
    assert.equal(done.state, 'failed');
    assert.equal(done.error?.code, 'conflict');
    assert.equal(readFileSync(target, 'utf8'), 'keep me');
    assert.deepEqual(readdirSync(out.dir), ['export.mp4']);
  } finally {
    out.cleanup();
  }
});

test('the app dies mid-render (process group killed): the next open removes the partial file and records the failure', async () => {
  const lib = await longLibrary();
  const { videoId } = lib;
  const out = tempDir('framewise-anon-out-');
  try {
    // Only the other process may run jobs on the library now.
    await lib.core.close();
    lib.closed = true;
    const { spawn } = await import('node:child_process');
    const { REPO_ROOT } = await import('../helpers/fixtures.js');
    const host = spawn(
      process.execPath,
      [
        path.join(REPO_ROOT, 'dist', 'test', 'helpers', 'job-host.js'),
        lib.dir,
        'anonymize',
        JSON.stringify({ videoId, output: { dir: out.dir }, options: { preset: 'balanced' }, overrides: bigRegion, ...noScan }),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'], detached: true },
    );
    const exited = new Promise((r) => host.once('exit', r));
    await new Promise<void>((resolve, reject) => {
      host.once('exit', () => reject(new Error('the job host exited early')));
      const poll = setInterval(() => {
        if (readdirSync(out.dir).some((f) => f.endsWith('.partial.mp4'))) {
          clearInterval(poll);
          resolve();
        }
      }, 50);
    });
    // The whole process group, as when the machine loses power or the app is killed with its children.
    process.kill(-host.pid!, 'SIGKILL');
    await exited;
    const partial = readdirSync(out.dir).find((f) => f.endsWith('.partial.mp4'))!;
    const deadline = Date.now() + 10_000;
    const alive = () => processesMentioning(partial).length > 0;
    while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.equal(alive(), false, 'ffmpeg is gone');
    assert.deepEqual(readdirSync(out.dir), [partial], 'the partial file is still there after the crash');

    const core2 = await openTempCoreAt(lib.dir);
    try {
      // The newest export is the one the dead process started.
      const [rec] = await core2.call('anonymize.exports', { video: videoId });
      assert.equal(rec?.state, 'failed');
      assert.match(rec?.error?.message ?? '', /Interrupted/);
      assert.deepEqual(readdirSync(out.dir), [], 'the partial file was removed');
    } finally {
      await core2.close();
    }
  } finally {
    out.cleanup();
  }
});

test('a read-only output folder: refused with a clear error before rendering', async (t) => {
  if (!requireEnvironment(t, isRoot, 'mounting a tmpfs needs root')) return;
  const { core, videoId } = await library();
  const out = tempDir('framewise-anon-ro-');
  const unmount = mountTmpfs(out.dir, 'size=1m,ro');
  try {
    const { job } = await core.call('anonymize.start', { video: videoId, output: { dir: out.dir }, overrides, ...noScan });
    const done = await core.services.jobs.waitFor(job.id, 60_000);
    assert.equal(done.state, 'failed');
    assert.match(done.error?.message ?? '', /Cannot write to the output folder .*: read-only file system/);
    assert.deepEqual(readdirSync(out.dir), []);
  } finally {
    unmount();
    out.cleanup();
  }
});

test('an output folder under /proc: refused naming the folder, not a hang (Node’s recursive mkdir loops there)', async (t) => {
  if (process.platform !== 'linux') return t.skip('/proc is Linux only');
  const { core, videoId } = await library();
  const dir = '/proc/framewise-anon-out';
  let message: string;
  try {
    const { job } = await core.call('anonymize.start', { video: videoId, output: { dir }, overrides, ...noScan });
    const done = await core.services.jobs.waitFor(job.id, 60_000);
    assert.equal(done.state, 'failed');
    message = done.error?.message ?? '';
  } catch (err) {
    message = (err as Error).message;
  }
  assert.match(message, /Cannot write to the output folder \/proc\/framewise-anon-out: /);
});
