import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { Core } from '../../core/core.js';
import type { JobSummary } from '../../core/api/types.js';
import { runCli } from '../helpers/cli.js';
import { importAndWait, tempDir } from '../helpers/library.js';
import { faststartMp4 } from '../helpers/broken.js';
import { media } from '../helpers/media.js';

const here = path.dirname(fileURLToPath(import.meta.url));

async function until<T>(
  fn: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  what: string,
  ms = 120_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v as T;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Distinct videos (distinct hashes) from one small MP4: a `free` box carrying the index is appended. */
function uniqueCopies(source: string, dir: string, n: number): string[] {
  mkdirSync(dir, { recursive: true });
  const bytes = readFileSync(source);
  return Array.from({ length: n }, (_, i) => {
    const tag = Buffer.from(`framewise-copy-${i}`);
    const box = Buffer.alloc(8 + tag.length);
    box.writeUInt32BE(box.length, 0);
    box.write('free', 4, 'latin1');
    tag.copy(box, 8);
    const file = path.join(dir, `copy-${String(i).padStart(3, '0')}.mp4`);
    writeFileSync(file, Buffer.concat([bytes, box]));
    return file;
  });
}

const jsonOf = <T>(r: { code: number; stdout: string; stderr: string }): T => {
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as T;
};

// 10 rounds, each with a third process importing the first one's file (it joins that process's job): every
// round repeats the same two races. 50 rounds and then 25 (a third process every other round) were the suite's
// longest test (176 s of CI's 28 minutes on a fresh 2-core machine, with the race joined 13 times); now the join
// comes 10 times and the two-process race 10 times, at 30 instead of 63 command starts.
const ROUNDS = 10;
test(
  `imports with follow-ups from three processes at once, ${ROUNDS} times: no job is ever left queued`,
  { timeout: 1_800_000 },
  async (t) => {
    const lib = tempDir('framewise-xproc-import-');
    t.after(() => lib.cleanup());
    const files = uniqueCopies(await faststartMp4(2), path.join(lib.dir, 'in'), 2 * ROUNDS);
    let db: Database.Database | null = null;
    t.after(() => db?.close());
    for (let i = 0; i < ROUNDS; i++) {
      const a = files[2 * i]!;
      const b = files[2 * i + 1]!;
      // A third process imports the same file as the first: it joins that process's job.
      const runs = [a, b, a].map((f) => runCli(['--data-dir', lib.dir, 'import', f, '--json']));
      const results = await Promise.all(runs);
      for (const r of results) assert.equal(r.code, 0, `round ${i}: ${r.stderr}`);
      db ??= new Database(path.join(lib.dir, 'library.sqlite'), { readonly: true });
      const left = db.prepare("SELECT id, kind, state FROM jobs WHERE state IN ('queued', 'running')").all();
      assert.deepEqual(left, [], `round ${i}: every job finished when the commands exited`);
      // Names are stored sealed (core/db/sealed-text.ts): this round's videos are the two newest rows.
      const videoCount: number = (db.prepare('SELECT count(*) AS n FROM videos').get() as { n: number }).n;
      assert.equal(videoCount, 2 * (i + 1), `round ${i}: both imported, once each`);
      const rows = db.prepare('SELECT frame_count FROM videos ORDER BY id DESC LIMIT 2').all() as Array<{
        frame_count: number | null;
      }>;
      assert.equal(rows.length, 2, `round ${i}: both imported`);
      for (const r of rows) assert.equal(r.frame_count, 50, `round ${i}: the exact frame count (the follow-up) is in`);
    }
    const followUps = db!
      .prepare("SELECT count(*) AS n FROM jobs WHERE kind = 'frame-count' AND state = 'succeeded' AND parent_id IS NOT NULL")
      .get() as { n: number };
    assert.equal(followUps.n, 2 * ROUNDS);
  },
);

/**
 * One library with the 60 s 1080p video (and a 2 s one) imported, follow-ups done, for the handover and the
 * killed-process tests: they need a job that runs long (verify-decode of the long video), and importing it
 * (its fingerprint) was ~12 CPU-s each.
 */
let longLib: Promise<{ lib: ReturnType<typeof tempDir>; long: number; short: number }> | undefined;
// Registered at the file's level: called inside a test, `after` would clean up when that test ends.
after(async () => (await longLib)?.lib.cleanup());
const longLibrary = () =>
  (longLib ??= (async () => {
    const lib = tempDir('framewise-xproc-long-');
    const core = await Core.open({ dataDir: lib.dir, runJobs: true });
    try {
      const [long, short] = (await importAndWait(core, [await media.long1080(60), await media.mp4(2, 'handover-2s.mp4')])).map(
        (j) => (j.output as { videoId: number }).videoId,
      );
      await core.services.runner?.drain(120_000);
      return { lib, long: long!, short: short! };
    } finally {
      await core.close();
    }
  })());

test(
  'queued jobs say which process runs them; a stopped owner hands them over; `jobs --run` runs them',
  { timeout: 900_000 },
  async (t) => {
    const { lib, long, short } = await longLibrary();
    const cli = (...args: string[]) => runCli(['--data-dir', lib.dir, ...args]);
    // This process plays a one-shot CLI command that runs one job at a time.
    const owner = await Core.open({
      dataDir: lib.dir,
      runJobs: true,
      ownJobsOnly: true,
      concurrency: 1,
      identity: { role: 'cli', label: 'framewise owner-test' },
    });
    let ownerOpen = true;
    t.after(async () => ownerOpen && (await owner.close()));
    const busy = await owner.call('jobs.enqueue', { kind: 'verify-decode', input: { videoId: long! } });
    await until(async () => (await owner.call('jobs.get', { id: busy.job.id })).state === 'running', 'the long job running');
    const waiting = await owner.call('jobs.enqueue', { kind: 'frame-count', input: { videoId: short! } });

    const listed = jsonOf<JobSummary[]>(await cli('jobs', '--state', 'queued', '--json'));
    const q = listed.find((j) => j.id === waiting.job.id)!;
    assert.equal(q.state, 'queued');
    assert.equal(q.runBy?.label, 'framewise owner-test', 'the queued job names the process that will run it');
    assert.equal(q.runBy?.pid, process.pid);
    const status = jsonOf<{ runners: Array<{ pid: number }>; jobs: Array<{ id: number; runBy: { pid: number } | null }> }>(
      await cli('status', '--json'),
    );
    assert.ok(status.runners.some((r) => r.pid === process.pid));
    assert.equal(status.jobs.find((j) => j.id === waiting.job.id)?.runBy?.pid, process.pid);

    // The owner stops without draining: both jobs go back to the queue with no owner.
    await owner.close();
    ownerOpen = false;
    const after = jsonOf<JobSummary[]>(await cli('jobs', '--json'));
    for (const id of [busy.job.id, waiting.job.id]) {
      const j = after.find((x) => x.id === id)!;
      assert.equal(j.state, 'queued');
      assert.equal(j.runBy, null, 'no live process will run it');
    }
    const text = await cli('jobs');
    assert.match(text.stdout, /no process yet: runs when the app, `framewise serve` or `framewise jobs --run` opens the library/);

    // Another process of any kind that runs jobs picks them up.
    assert.equal((await cli('cancel', String(busy.job.id))).code, 0);
    const ran = jsonOf<{ left: JobSummary[] }>(await cli('jobs', '--run', '--json'));
    assert.deepEqual(ran.left, []);
    const done = jsonOf<JobSummary[]>(await cli('jobs', '--json'));
    assert.equal(done.find((j) => j.id === waiting.job.id)?.state, 'succeeded');
  },
);

test(
  'a killed process: its job shows as interrupted at once in `jobs`, `list` and `status`, before any runner starts',
  { timeout: 600_000 },
  async (t) => {
    // The library the handover test leaves: every job there finished or was cancelled, none interrupted.
    const { lib, long: videoId } = await longLibrary();
    const cli = (...args: string[]) => runCli(['--data-dir', lib.dir, ...args]);
    const host = spawn(
      process.execPath,
      [path.join(here, '..', 'helpers', 'job-host.js'), lib.dir, 'verify-decode', JSON.stringify({ videoId })],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
        detached: true,
      },
    );
    const closed = new Promise((r) => host.once('close', r));
    // Whatever fails below, the host (frozen or not) and its ffmpeg go: a stopped child would keep this file alive.
    t.after(async () => {
      try {
        process.kill(-host.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
      await closed;
    });
    let out = '';
    host.stdout.on('data', (d) => (out += d));
    await until(() => /RUNNING (\d+)/.test(out), 'the other process to run the job');
    // Frozen (with its ffmpeg) until the kill: on a loaded machine the job could otherwise finish before it is
    // read as running. Read from the database at once: a frozen process stops its heartbeat, and a CLI command
    // that takes longer than the heartbeat's expiry on a loaded machine would rightly call it interrupted.
    process.kill(-host.pid!, 'SIGSTOP');
    const jobId = Number(/RUNNING (\d+)/.exec(out)![1]);
    const raw = new Database(path.join(lib.dir, 'library.sqlite'), { readonly: true });
    try {
      assert.equal((raw.prepare('SELECT state FROM jobs WHERE id = ?').get(jobId) as { state: string }).state, 'running');
    } finally {
      raw.close();
    }
    process.kill(-host.pid!, 'SIGKILL');
    await closed;

    const jobs = jsonOf<JobSummary[]>(await cli('jobs', '--json'));
    const dead = jobs.find((j) => j.id === jobId)!;
    assert.equal(dead.state, 'interrupted');
    assert.equal(dead.etaSeconds, null, 'no ETA for a job nobody runs');
    assert.match((await cli('jobs')).stdout, /interrupted/);
    assert.deepEqual(jsonOf<JobSummary[]>(await cli('jobs', '--state', 'running', '--json')), [], 'not listed as running');
    const list = jsonOf<{ videos: Array<{ id: number; activeJobs: number }> }>(await cli('list', '--json'));
    assert.equal(list.videos.find((v) => v.id === videoId)!.activeJobs, 0, '`list` counts no active job');
    const status = jsonOf<{ activeJobs: number; interruptedJobs: number }>(await cli('status', '--json'));
    assert.equal(status.interruptedJobs, 1);
    assert.equal(status.activeJobs, 0);
  },
);

test('a job whose heartbeat expired on another computer shows as interrupted', async (t) => {
  const lib = tempDir('framewise-xproc-stale-');
  t.after(() => lib.cleanup());
  const core = await Core.open({ dataDir: lib.dir });
  t.after(() => core.close());
  const { id } = await core.services.db.writer
    .insertInto('jobs')
    .values({
      kind: 'frame-count',
      dedupe_key: 'stale',
      input_json: '{"videoId":1}',
      state: 'running',
      progress: 0.4,
      eta_seconds: 12,
      attempts: 1,
      max_attempts: 3,
      cancel_requested: 0,
      runner_id: 'another-computer:4242:abcd',
      runner_pid: 4242,
      heartbeat_at: new Date(Date.now() - 20_000).toISOString(),
      created_at: new Date().toISOString(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const shown = jsonOf<JobSummary[]>(await runCli(['--data-dir', lib.dir, 'jobs', '--json'])).find((j) => j.id === id)!;
  assert.equal(shown.state, 'interrupted');
  assert.equal(shown.etaSeconds, null);
  // A fresh heartbeat from the other computer: running (its pid is not checked on this host).
  await core.services.db.writer.updateTable('jobs').set({ heartbeat_at: new Date().toISOString() }).where('id', '=', id).execute();
  assert.equal((await core.call('jobs.get', { id })).state, 'running');
});
