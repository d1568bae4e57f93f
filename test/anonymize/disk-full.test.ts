import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, rmSync, statfsSync, writeSync } from 'node:fs';
import path from 'node:path';
import { Core } from '../../core/core.js';
import { serializeError } from '../../core/util/errors.js';
import { runCli } from '../helpers/cli.js';
import { importAndWait, tempDir } from '../helpers/library.js';
import { isRoot, mountTmpfs, requireEnvironment } from '../helpers/environment.js';
import { endo, endoscopyVideo } from './endoscopy-media.js';

/**
 * A really full disk (a small tmpfs filled to the last block, not a simulated error): anonymize fails fast with
 * "disk full in <folder>", leaves no output and no partial file, the audit claims nothing that is not so, and
 * `list` / `info` still read the library.
 */
const overrides = {
  region: endo.region,
  textBoxes: [{ rect: endo.insideBox, source: 'manual' }],
  segments: [{ ...endo.outside, label: 'outside', validated: true }],
  patient: endo.patient,
};

/** Write zeros into `dir` until the file system refuses (ENOSPC); returns the filler's path. */
function fillDisk(dir: string): string {
  const file = path.join(dir, 'filler.bin');
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(256 * 1024);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
  // Smaller writes until not even one block is left.
  const fd2 = openSync(file, 'a');
  try {
    for (;;) writeSync(fd2, Buffer.alloc(512));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd2);
  }
  const fs = statfsSync(dir);
  assert.equal(fs.bavail, 0, 'the disk is full');
  return file;
}

const entries = (dir: string) => readdirSync(dir).filter((f) => f !== 'lost+found');

test('library on a full disk: anonymize fails at once with "disk full in <library>", no output; list and info still read it', async (t) => {
  if (!requireEnvironment(t, isRoot, 'mounting a tmpfs needs root')) return;
  const file = await endoscopyVideo();
  const lib = tempDir('framewise-full-lib-');
  const out = tempDir('framewise-full-out-');
  const unmount = mountTmpfs(lib.dir, 'size=48m');
  try {
    const imp = await runCli(['--data-dir', lib.dir, 'import', file, '--json']);
    assert.equal(imp.code, 0, imp.stderr);
    const filler = fillDisk(lib.dir);

    const started = Date.now();
    const r = await runCli(['--data-dir', lib.dir, 'anonymize', '1', '-o', out.dir, '--json'], { timeoutMs: 120_000 });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const res = JSON.parse(r.stdout) as { error?: { code: string; message: string } };
    assert.equal(res.error?.code, 'disk_full', r.stdout);
    assert.equal(res.error?.message.startsWith(`disk full in ${lib.dir}`), true, res.error?.message);
    assert.ok(Date.now() - started < 60_000, 'fails fast');
    assert.deepEqual(entries(out.dir), [], 'no output, no partial file');

    // Reading still works, read-only, with a warning on stderr.
    const list = await runCli(['--data-dir', lib.dir, 'list', '--json']);
    assert.equal(list.code, 0, list.stderr);
    const videos = (JSON.parse(list.stdout) as { videos: Array<{ id: number; name: string }> }).videos;
    assert.deepEqual(
      videos.map((v) => v.id),
      [1],
    );
    const plain = await runCli(['--data-dir', lib.dir, 'list']);
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(plain.stderr, /disk full in .*opened read-only/);
    assert.match(plain.stdout, /endoscopy-like/);
    const info = await runCli(['--data-dir', lib.dir, 'info', '1', '--json']);
    assert.equal(info.code, 0, info.stderr);
    assert.match(info.stdout, /"sha256"/);

    // With room again, the audit holds no export (none was started), and nothing is "running".
    rmSync(filler);
    const core = await Core.open({ dataDir: lib.dir });
    try {
      assert.deepEqual(await core.call('anonymize.exports', { video: 1 }), []);
      assert.deepEqual(await core.call('jobs.list', { states: ['queued', 'running'] }), []);
    } finally {
      await core.close();
    }
  } finally {
    unmount();
    lib.cleanup();
    out.cleanup();
  }
});

test('the disk fills while the library is open: the export fails with "disk full in <folder>", no file left, audit true', async (t) => {
  if (!requireEnvironment(t, isRoot, 'mounting a tmpfs needs root')) return;
  const file = await endoscopyVideo();
  const disk = tempDir('framewise-full-disk-');
  const unmount = mountTmpfs(disk.dir, 'size=48m');
  const libDir = path.join(disk.dir, 'library');
  const outDir = path.join(disk.dir, 'exports');
  mkdirSync(outDir);
  let core: Core | null = null;
  try {
    core = await Core.open({ dataDir: libDir, runJobs: true, concurrency: 1 });
    const [imp] = await importAndWait(core, [file]);
    const videoId = (imp!.output as { videoId: number }).videoId;
    const filler = fillDisk(disk.dir);

    // Starting may already be refused (the job row cannot be written); else the job fails.
    const start = await core.call('anonymize.start', { video: videoId, output: { dir: outDir }, overrides }).then(
      (r) => ({ job: r.job, err: null }),
      (err: unknown) => ({ job: null, err }),
    );
    const error = start.job ? (await core.services.jobs.waitFor(start.job.id, 120_000)).error : serializeError(start.err);
    assert.equal(error?.code, 'disk_full', JSON.stringify(error));
    assert.match(error?.message ?? '', /^disk full in \//);
    assert.deepEqual(entries(outDir), [], 'no output, no partial file');
    assert.deepEqual(existsSync(path.join(libDir, 'tmp')) ? entries(path.join(libDir, 'tmp')) : [], [], 'no job folder left');

    rmSync(filler);
    // The audit: no export claims to be verified, and none claims a file was deleted that exists.
    for (const e of await core.call('anonymize.exports', { video: videoId })) {
      assert.notEqual(e.state, 'verified');
      if (e.error && /deleted/.test(e.error.message)) assert.equal(existsSync(e.outputPath), false, 'a file said deleted is gone');
    }
  } finally {
    await core?.close();
    unmount();
    disk.cleanup();
  }
});

test('output folder on a full disk: refused before the text scan and rendering with "disk full in <output folder>"; the audit records it', async (t) => {
  if (!requireEnvironment(t, isRoot, 'mounting a tmpfs needs root')) return;
  const file = await endoscopyVideo();
  const lib = tempDir('framewise-full-lib-');
  const out = tempDir('framewise-full-out-');
  const unmount = mountTmpfs(out.dir, 'size=4m');
  const core = await Core.open({ dataDir: lib.dir, runJobs: true, concurrency: 1 });
  try {
    const [imp] = await importAndWait(core, [file]);
    const videoId = (imp!.output as { videoId: number }).videoId;
    const filler = fillDisk(out.dir);
    const stages: string[] = [];
    const off = core.subscribe((e) => {
      if (e.type === 'job.progress' && e.stage) stages.push(e.stage);
    });
    // The default path (the library's masks, a text scan to run): refused before the scan, which would read the
    // whole video first.
    const { job } = await core.call('anonymize.start', { video: videoId, output: { dir: out.dir }, overrides });
    const done = await core.services.jobs.waitFor(job.id, 120_000);
    off();
    assert.equal(done.state, 'failed');
    assert.equal(done.error?.code, 'disk_full', JSON.stringify(done.error));
    assert.ok(done.error?.message.startsWith(`disk full in ${out.dir}:`), done.error?.message);
    assert.ok(!stages.includes('rendering'), `no render was started (${[...new Set(stages)].join(', ')})`);
    assert.ok(!stages.includes('scanning text'), `refused before the text scan (${[...new Set(stages)].join(', ')})`);
    assert.deepEqual(
      entries(out.dir).filter((f) => path.join(out.dir, f) !== filler),
      [],
      'no output, no partial file',
    );
    const [rec] = await core.call('anonymize.exports', { video: videoId });
    assert.equal(rec?.state, 'failed');
    assert.equal(rec?.error?.code, 'disk_full');
    assert.equal(rec?.verification, null);
  } finally {
    await core.close();
    unmount();
    lib.cleanup();
    out.cleanup();
  }
});
