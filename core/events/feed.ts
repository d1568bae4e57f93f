import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type BetterSqlite3 from 'better-sqlite3';
import type { CoreEvent } from './types.js';
import { nowIso, type LibraryDb } from '../db/open.js';
import type { Database } from '../db/schema.js';
import { liveStateSql } from '../jobs/liveness.js';
import { toJobSummary } from '../jobs/store.js';
import type { EventBus } from './bus.js';

/** The `change_log` table (migration 56). */
type ChangeLogTables = {
  change_log: { id: import('kysely').Generated<number>; origin: string; at: string; event_json: string };
};

const POLL_MS = 150;
const LIVENESS_MS = 1000;
const PROGRESS_PUBLISH_MS = 500;
const KEEP_MS = 10 * 60_000;

/**
 * Changes seen by every process that has the library open. Each event of this process (progress at most twice a
 * second per job) is appended to `change_log`; every process polls `PRAGMA data_version` of its writer connection
 * (a few microseconds, no query while no other process committed) and re-emits the rows other processes wrote as
 * the same `CoreEvent`s.
 * It also notices running jobs whose process died and emits them as `interrupted`.
 */
export class ChangeFeed {
  readonly origin = `${process.pid}:${randomBytes(4).toString('hex')}`;
  private queue: CoreEvent[] = [];
  private flushing: Promise<void> | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private lastId = 0;
  private dataVersion = -1;
  private lastLiveness = 0;
  private lastPrune = 0;
  private progressAt = new Map<number, number>();
  private interrupted = new Set<number>();
  private closed = false;
  private dataVersionStmt: BetterSqlite3.Statement | null = null;

  constructor(
    private db: LibraryDb,
    private bus: EventBus,
  ) {}

  private get log() {
    return (this.db.writer as Kysely<Database>).withTables<ChangeLogTables>();
  }

  private get reader() {
    return (this.db.reader as Kysely<Database>).withTables<ChangeLogTables>();
  }

  async start(): Promise<void> {
    const last = await this.reader
      .selectFrom('change_log')
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirst();
    this.lastId = Number(last?.id ?? 0);
    // Test hook: act as a process that does not publish (an older Framewise), to provoke edit conflicts.
    const silent = process.env.FRAMEWISE_TEST_HOOKS === '1' && process.env.FRAMEWISE_TEST_UNPUBLISHED === '1';
    if (!silent) this.bus.publishTo((e) => this.publish(e));
    this.pollTimer = setInterval(() => void this.poll(), POLL_MS);
    this.pollTimer.unref?.();
  }

  private publish(event: CoreEvent): void {
    if (this.closed) return;
    if (event.type === 'job.progress') {
      const now = Date.now();
      if (now - (this.progressAt.get(event.jobId) ?? 0) < PROGRESS_PUBLISH_MS) return;
      this.progressAt.set(event.jobId, now);
    } else if (event.type === 'job.state') {
      this.progressAt.delete(event.job.id);
    }
    this.queue.push(event);
    this.flushTimer ??= setTimeout(() => void this.flush(), 0);
  }

  /** Write the queued events (one transaction). Resolves when everything published so far is committed. */
  async flush(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    while (this.flushing) await this.flushing;
    if (!this.queue.length) return;
    const batch = this.queue.splice(0);
    const at = nowIso();
    this.flushing = (async () => {
      try {
        await this.log
          .insertInto('change_log')
          .values(batch.map((e) => ({ origin: this.origin, at, event_json: JSON.stringify(e) })))
          .execute();
        if (Date.now() - this.lastPrune > 60_000) {
          this.lastPrune = Date.now();
          await this.log
            .deleteFrom('change_log')
            .where('at', '<', new Date(Date.now() - KEEP_MS).toISOString())
            .execute();
        }
      } catch {
        /* the library is closing; other processes re-read the database when they need to */
      } finally {
        this.flushing = null;
      }
    })();
    await this.flushing;
  }

  private async poll(): Promise<void> {
    if (this.closed) return;
    try {
      // Asked on the writer connection: its data_version changes only with commits of other connections — other
      // processes, in practice — so this process's own writes (a running job's progress, heartbeats: several a
      // second) no longer make each poll read the change log. One prepared statement for the life of the feed
      // (`pragma()` would prepare it again at every poll).
      this.dataVersionStmt ??= this.db.raw.prepare('PRAGMA data_version').pluck();
      const version = this.dataVersionStmt.get() as number;
      if (version !== this.dataVersion) {
        this.dataVersion = version;
        await this.readChanges();
      }
      if (Date.now() - this.lastLiveness >= LIVENESS_MS) {
        this.lastLiveness = Date.now();
        await this.watchLiveness();
      }
    } catch {
      /* closing */
    }
  }

  private async readChanges(): Promise<void> {
    for (;;) {
      // This process's own rows (its progress, while a job runs here: most of them) come back without their
      // event: it is not re-emitted, so it need not be opened (decrypted) and parsed.
      const rows = await this.reader
        .selectFrom('change_log')
        .select(['id', 'origin'])
        .select(sql<string | null>`CASE WHEN origin = ${this.origin} THEN NULL ELSE event_json END`.as('event_json'))
        .where('id', '>', this.lastId)
        .orderBy('id')
        .limit(500)
        .execute();
      for (const r of rows) {
        this.lastId = r.id;
        if (r.origin === this.origin || r.event_json === null || this.closed) continue;
        try {
          const event = JSON.parse(r.event_json) as CoreEvent | null;
          // null: a sealed row this process cannot open (no library key here).
          if (event) this.bus.emitRemote(event);
        } catch {
          /* a row this version cannot read */
        }
      }
      if (rows.length < 500) return;
    }
  }

  /** A dead process cannot say its job stopped: announce running jobs whose heartbeat expired as interrupted. */
  private async watchLiveness(): Promise<void> {
    const rows = await this.db.reader
      .selectFrom('jobs')
      .selectAll()
      .where('state', '=', 'running')
      .where(liveStateSql(), '=', 'interrupted')
      .execute();
    const now = new Set(rows.map((r) => r.id));
    for (const r of rows) if (!this.interrupted.has(r.id)) this.bus.emitRemote({ type: 'job.state', job: toJobSummary(r) });
    this.interrupted = now;
  }

  async close(): Promise<void> {
    if (this.pollTimer) clearInterval(this.pollTimer);
    await this.flush();
    this.closed = true;
    this.bus.publishTo(null);
  }
}
