import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { CoreEvent } from '../../core/events/types.js';
import { DB_FILE_NAME } from '../../core/db/open.js';
import { SealedText, SEALED_PREFIX } from '../../core/db/sealed-text.js';
import { liveChildPids } from '../../core/ffmpeg/process.js';
import { openTempCore } from '../helpers/library.js';
import { generated, h264AacArgs, lavfi } from '../helpers/media.js';

/** 20 s 640x360 with a tone: its mp4-h264 conversion (x264 medium) runs for a few seconds. */
const source = () =>
  generated('convert-bookkeeping-20s.mp4', (out) => [
    ...lavfi.video({ size: '640x360', duration: 20 }),
    ...lavfi.tone(20),
    ...h264AacArgs,
    out,
  ]);

type RunMethod = 'all' | 'get' | 'run' | 'iterate';
const RUN_METHODS: RunMethod[] = ['all', 'get', 'run', 'iterate'];

/** The change feed's read of the change log (core/events/feed.ts). */
const CHANGE_LOG_READ = /from "change_log" where "id" > \?/;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * The bench compares a conversion through the job with plain ffmpeg, CPU seconds included: what the core's main
 * thread does while ffmpeg runs is overhead that grows with the conversion's wall time (on a loaded machine,
 * several times the idle length). Each database statement there is a Kysely query (≈ 0.5–1.5 ms of CPU with its
 * sealed-column handling), so the statements a running job costs per second are counted here.
 */
describe('convert: bookkeeping while ffmpeg runs', () => {
  let lib: Awaited<ReturnType<typeof openTempCore>>;
  before(async () => {
    lib = await openTempCore();
  });
  after(async () => {
    await lib.close();
  });

  it('reads the job row about once a second; no cancel-flag query; the change log not read back after its own writes', async (t) => {
    const src = await source();
    const out = path.join(lib.dataDir, 'bookkeeping.mp4');
    const statements: Array<{ at: number; sql: string }> = [];
    const opened: Array<{ at: number; column: string }> = [];
    // Every statement run (not compiled: the library keeps its compiled statements, core/db/statement-cache.ts).
    const probe = new Database(':memory:');
    const proto = Object.getPrototypeOf(probe.prepare('select 1')) as Record<RunMethod, (...a: unknown[]) => unknown>;
    probe.close();
    const real = Object.fromEntries(RUN_METHODS.map((m) => [m, proto[m]])) as Record<RunMethod, (...a: unknown[]) => unknown>;
    const prepared: Array<{ at: number; sql: string }> = [];
    const dbProto = Database.prototype as unknown as { prepare: (sql: string) => unknown };
    const realPrepare = dbProto.prepare;
    dbProto.prepare = function (this: unknown, sql: string) {
      prepared.push({ at: Date.now(), sql });
      return realPrepare.call(this, sql);
    };
    for (const m of RUN_METHODS) {
      proto[m] = function (this: { source: string }, ...a: unknown[]) {
        statements.push({ at: Date.now(), sql: this.source });
        return real[m].apply(this, a);
      };
    }
    const realOpen = SealedText.prototype.open;
    SealedText.prototype.open = function (this: SealedText, value: string) {
      if (value.startsWith(SEALED_PREFIX)) opened.push({ at: Date.now(), column: value.slice(SEALED_PREFIX.length).split(':')[0]! });
      return realOpen.call(this, value);
    };
    let firstProgress = 0;
    let lastProgress = 0;
    let feedReadFrom = 0;
    const unsub = lib.core.subscribe((e: CoreEvent) => {
      if (e.type !== 'job.progress' || e.progress <= 0) return;
      firstProgress ||= Date.now();
      lastProgress = Date.now();
    });
    try {
      const started = await lib.core.call('convert.start', { inputs: [src], preset: 'mp4-h264', output: out });
      const job = await lib.core.services.jobs.waitFor(started.jobs[0]!.jobId, 600_000);
      assert.equal(job.state, 'succeeded', JSON.stringify(job.error));
      // Then another process commits (here: a second connection): the feed reads the change log, this process's
      // own progress rows included, and must open none of them.
      feedReadFrom = statements.length;
      const other = new Database(path.join(lib.dataDir, DB_FILE_NAME));
      try {
        other.pragma('busy_timeout = 10000');
        other
          .prepare("INSERT INTO change_log (origin, at, event_json) VALUES ('another-process', ?, 'null')")
          .run(new Date().toISOString());
      } finally {
        other.close();
      }
      const end = Date.now() + 30_000;
      while (!statements.slice(feedReadFrom).some((x) => CHANGE_LOG_READ.test(x.sql)) && Date.now() < end)
        await new Promise((r) => setTimeout(r, 50));
    } finally {
      unsub();
      for (const m of RUN_METHODS) proto[m] = real[m];
      dbProto.prepare = realPrepare;
      SealedText.prototype.open = realOpen;
    }
    // The window in which ffmpeg ran and reported progress.
    const seconds = (lastProgress - firstProgress) / 1000;
    assert.ok(seconds >= 1, `the conversion reported progress for ${seconds} s; the test needs at least 1 s`);
    const inWindow = <T extends { at: number }>(xs: T[]) => xs.filter((x) => x.at >= firstProgress && x.at <= lastProgress);
    const during = inWindow(statements);
    const count = (re: RegExp) => during.filter((s) => re.test(s.sql)).length;
    t.diagnostic(`${during.length} statements run in ${seconds.toFixed(1)} s (${(during.length / seconds).toFixed(1)} a second)`);
    const bySql = new Map<string, number>();
    for (const s of during) bySql.set(s.sql.slice(0, 90), (bySql.get(s.sql.slice(0, 90)) ?? 0) + 1);
    for (const [sql, n] of [...bySql].sort((a, b) => b[1] - a[1]).slice(0, 12)) t.diagnostic(`${(n / seconds).toFixed(2)}/s ${sql}`);

    // waitFor: the job runs in this process, so its end comes as an event; the row is a fallback read once a
    // second (it was read five times a second).
    const rowReads = count(/^select \* from "jobs" where "id" = \?$/);
    assert.ok(rowReads <= Math.ceil(seconds) + 1, `the job row was read ${rowReads} times in ${seconds.toFixed(1)} s`);
    // The runner's heartbeat returns the cancel flags: no select of its own.
    assert.equal(count(/"cancel_requested" = \?/), 0, 'a separate cancel-flag query ran during the job');
    // The change feed's `PRAGMA data_version` is prepared once, not at each poll (every 150 ms).
    const dataVersionPrepared = inWindow(prepared).filter((x) => /^PRAGMA data_version$/i.test(x.sql)).length;
    assert.ok(dataVersionPrepared <= 1, `PRAGMA data_version prepared ${dataVersionPrepared} times`);
    // The change feed reads the change log when another process committed, not after each of this process's
    // own writes (progress, heartbeats); and its own rows, when it does read them, are not opened again.
    assert.equal(count(CHANGE_LOG_READ), 0, 'the change log was read although no other process wrote');
    assert.ok(
      statements.slice(feedReadFrom).some((x) => CHANGE_LOG_READ.test(x.sql)),
      "the change log was not read after another process's commit",
    );
    const feedOpened = opened.filter((o) => o.column === 'change_log.event_json').length;
    assert.equal(feedOpened, 0, `${feedOpened} of this process's own change-feed rows were decrypted`);
  });

  it('a cancel flagged by another process still stops the conversion: ffmpeg killed, no output', async () => {
    const src = await source();
    const out = path.join(lib.dataDir, 'flag-cancelled.mp4');
    const before = new Set(liveChildPids());
    const started = await lib.core.call('convert.start', { inputs: [src], preset: 'mp4-h264', output: out });
    const jobId = started.jobs[0]!.jobId;
    const end = Date.now() + 300_000;
    let pids: number[] = [];
    while (!pids.length) {
      if (Date.now() > end) throw new Error('ffmpeg never started');
      await new Promise((r) => setTimeout(r, 50));
      pids = liveChildPids().filter((p) => !before.has(p));
      // The input probe is a child too: wait for the conversion itself (progress > 0).
      if (pids.length && (await lib.core.call('jobs.get', { id: jobId })).progress <= 0) pids = [];
    }
    // What `framewise cancel` does in another process: only the flag, in the library file.
    const other = new Database(path.join(lib.dataDir, DB_FILE_NAME));
    try {
      other.pragma('busy_timeout = 10000');
      other.prepare('UPDATE jobs SET cancel_requested = 1 WHERE id = ?').run(jobId);
    } finally {
      other.close();
    }
    const job = await lib.core.services.jobs.waitFor(jobId, 10_000);
    assert.equal(job.state, 'cancelled');
    for (const pid of pids) {
      const gone = Date.now() + 2000;
      while (alive(pid) && Date.now() < gone) await new Promise((r) => setTimeout(r, 20));
      assert.ok(!alive(pid), `ffmpeg ${pid} still runs`);
    }
    const { readdir } = await import('node:fs/promises');
    assert.deepEqual(
      (await readdir(lib.dataDir)).filter((f) => f.includes('flag-cancelled')),
      [],
      'no output or partial file is left',
    );
  });
});
