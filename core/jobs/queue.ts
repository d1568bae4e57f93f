import { sql, type Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import { nowIso } from '../db/open.js';
import type { JobSummary } from '../jobs/types.js';
import { FramewiseError, serializeError } from '../util/errors.js';
import type { JobFinisher, JobHost } from './host.js';
import { dedupeKeyFor, type AnyJobKindOf } from './kind-of.js';
import { liveStateSql } from './liveness.js';
import { withRunBy } from './runners.js';
import type { JobRegistry } from './registry.js';
import { addJobEvent, getJobRow, toJobSummary, type JobRow } from './store.js';

/** `waitFor`'s row reads: a job of another process (or still queued) is only seen by reading its row. */
const WAIT_POLL_MS = 200;
/** …and one this process runs, whose end comes as an event: the read is only a fallback. */
export const WAIT_POLL_HANDLED_MS = 1000;

export interface EnqueueResult {
  job: JobSummary;
  /** True when an identical job was already queued or running and is returned instead. */
  existing: boolean;
}

/** Enqueue, cancel, retry and wait for jobs. Safe to use from any process that opened the library. */
export class JobQueue<S extends JobHost = JobHost> implements JobFinisher {
  constructor(
    private services: () => S,
    private registry: JobRegistry<S>,
  ) {}

  private get db() {
    return this.services().db.writer;
  }

  /** Validate input against the kind's schema (defaults filled in); a usage error names what is wrong. */
  validate(kindName: string, rawInput: unknown): { kind: AnyJobKindOf<S>; input: unknown } {
    const kind = this.registry.get(kindName);
    const parsed = kind.input.safeParse(rawInput);
    if (!parsed.success) {
      throw new FramewiseError(
        'usage',
        `Invalid input for job "${kindName}": ${parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')}`,
      );
    }
    return { kind, input: parsed.data };
  }

  async enqueue(kindName: string, rawInput: unknown): Promise<EnqueueResult> {
    const { kind, input } = this.validate(kindName, rawInput);
    // Fail at once, with what is missing, rather than queue work that cannot run.
    if (kind.precondition) await kind.precondition(this.services(), input);
    const owner = this.services().runner?.runnerId ?? null;
    const { row, existing } = await this.db.transaction().execute((trx) => this.insertJob(trx, kindName, input, { owner, parentId: null }));
    const job = toJobSummary(row);
    this.services().runner?.adopt(job.id);
    if (!existing) this.services().events.emit({ type: 'job.state', job });
    this.services().runner?.wake();
    return { job, existing };
  }

  /**
   * Insert a job (validated input) in a transaction, or return the queued/running job with the same dedupe
   * key. `owner`: the runner that will run it (null = any process that runs jobs).
   */
  async insertJob(
    trx: Transaction<Database>,
    kindName: string,
    input: unknown,
    opts: { owner: string | null; parentId: number | null },
  ): Promise<{ row: JobRow; existing: boolean }> {
    const kind = this.registry.get(kindName);
    // The input may name a patient's file: the key is compared as a keyed tag, never stored as it is.
    const dedupeKey = this.services().db.sealed.tag(dedupeKeyFor(kindName, input), 'job-dedupe-key');
    const videoId = kind.videoId ? kind.videoId(input) : null;
    const found = await trx
      .selectFrom('jobs')
      .selectAll()
      .where('dedupe_key', '=', dedupeKey)
      .where('state', 'in', ['queued', 'running'])
      .executeTakeFirst();
    if (found) return { row: found, existing: true };
    const inserted = await trx
      .insertInto('jobs')
      .values({
        kind: kindName,
        video_id: videoId,
        dedupe_key: dedupeKey,
        input_json: JSON.stringify(input),
        state: 'queued',
        progress: 0,
        attempts: 0,
        max_attempts: kind.maxAttempts ?? 3,
        cancel_requested: 0,
        created_at: nowIso(),
        owner_runner: opts.owner,
        parent_id: opts.parentId,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await addJobEvent(trx, inserted.id, 'created', opts.parentId ? { parent: opts.parentId } : undefined);
    return { row: inserted, existing: false };
  }

  async get(id: number): Promise<JobSummary> {
    const row = await getJobRow(this.services().db.reader, id);
    if (!row) throw new FramewiseError('not_found', `No job with id ${id}`);
    const [job] = await withRunBy(this.services().db.reader, [toJobSummary(row)], new Map([[row.id, row]]));
    return job!;
  }

  /**
   * Cancel a job. Queued: cancelled at once. Running here: its signal is aborted (ffmpeg is killed).
   * Running in another process: flagged; that process's runner aborts it within a second.
   */
  async cancel(id: number): Promise<JobSummary> {
    const row = await getJobRow(this.db, id);
    if (!row) throw new FramewiseError('not_found', `No job with id ${id}`);
    if (row.state === 'queued') {
      const updated = await this.markFinished(row.id, 'cancelled', null, { fromStates: ['queued'] });
      if (updated) return updated;
      return this.cancel(id); // it started meanwhile
    }
    if (row.state !== 'running') return toJobSummary(row);
    await this.db.updateTable('jobs').set({ cancel_requested: 1 }).where('id', '=', id).execute();
    await addJobEvent(this.db, id, 'cancel_requested');
    const runner = this.services().runner;
    if (runner?.abortLocal(id)) {
      return this.waitFor(id, 5000);
    }
    return this.waitFor(id, 5000).catch(async () => toJobSummary((await getJobRow(this.db, id))!));
  }

  /** Run a failed or cancelled job again, as a new job with the same input. */
  async retry(id: number): Promise<EnqueueResult> {
    const row = await getJobRow(this.db, id);
    if (!row) throw new FramewiseError('not_found', `No job with id ${id}`);
    if (row.state !== 'failed' && row.state !== 'cancelled') {
      throw new FramewiseError('conflict', `Job ${id} is ${row.state}; only failed or cancelled jobs can be retried`);
    }
    return this.enqueue(row.kind, JSON.parse(row.input_json));
  }

  /** Mark a job finished (used by the runner and for queued cancels). Returns null if its state had moved on. */
  async markFinished(
    id: number,
    state: 'failed' | 'cancelled',
    error: unknown,
    opts: { fromStates?: string[]; runnerId?: string } = {},
  ): Promise<JobSummary | null> {
    const from = opts.fromStates ?? ['queued', 'running'];
    const err = error === null ? null : serializeError(error);
    const row = await this.db.transaction().execute(async (trx) => {
      let q = trx
        .updateTable('jobs')
        .set({
          state,
          error_json: err ? JSON.stringify(err) : null,
          finished_at: nowIso(),
          eta_seconds: null,
        })
        .where('id', '=', id)
        .where('state', 'in', from);
      if (opts.runnerId) q = q.where('runner_id', '=', opts.runnerId);
      const updated = await q.returningAll().executeTakeFirst();
      if (updated) await addJobEvent(trx, id, state, err ?? undefined);
      return updated;
    });
    if (!row) return null;
    const job = toJobSummary(row);
    this.services().events.emit({ type: 'job.state', job });
    return job;
  }

  /** Resolve when the job reaches a final state. Works across processes (polls the database). */
  async waitFor(id: number, timeoutMs = Infinity): Promise<JobSummary> {
    const deadline = Date.now() + timeoutMs;
    const final = (j: JobSummary) => j.state === 'succeeded' || j.state === 'failed' || j.state === 'cancelled';
    return new Promise<JobSummary>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const unsubscribe = this.services().events.subscribe((e) => {
        if (e.type === 'job.state' && e.job.id === id && final(e.job)) finish(e.job);
      });
      const finish = (j: JobSummary) => {
        unsubscribe();
        if (timer) clearTimeout(timer);
        resolve(j);
      };
      const poll = async () => {
        try {
          const row = await getJobRow(this.services().db.reader, id);
          if (!row) {
            unsubscribe();
            return reject(new FramewiseError('not_found', `No job with id ${id}`));
          }
          const j = toJobSummary(row);
          // A job of this process whose follow-ups still run is announced (with its final output) by an event.
          if (final(j) && !this.services().runner?.handling(id)) return finish(j);
          if (Date.now() > deadline) {
            unsubscribe();
            return reject(new FramewiseError('timeout', `Timed out waiting for job ${id}`));
          }
          // A job this process runs announces its end by an event (resolving this at once): its row is only read
          // again as a fallback, once a second, instead of five times (each read opens its sealed columns).
          timer = setTimeout(poll, this.services().runner?.handling(id) ? WAIT_POLL_HANDLED_MS : WAIT_POLL_MS);
        } catch (err) {
          unsubscribe();
          reject(err);
        }
      };
      void poll();
    });
  }

  /** Jobs, running first, then queued, then the newest. `states` filters on the live state (`interrupted` too). */
  async list(filter: { states?: string[]; videoId?: number; kind?: string; limit?: number } = {}): Promise<JobSummary[]> {
    const db = this.services().db.reader;
    let q = db.selectFrom('jobs').selectAll();
    if (filter.states?.length) {
      // The stored state narrows the scan (an interrupted job is stored as running); the live state decides.
      const stored = [...new Set(filter.states.map((st) => (st === 'interrupted' ? 'running' : st)))];
      q = q.where('state', 'in', stored).where(liveStateSql(), 'in', filter.states);
    }
    if (filter.videoId !== undefined) q = q.where('video_id', '=', filter.videoId);
    if (filter.kind) q = q.where('kind', '=', filter.kind);
    const rows = await q
      .orderBy(sql`CASE ${liveStateSql()} WHEN 'running' THEN 0 WHEN 'queued' THEN 1 WHEN 'interrupted' THEN 2 ELSE 3 END`)
      .orderBy('id', 'desc')
      .limit(filter.limit ?? 200)
      .execute();
    return withRunBy(db, rows.map(toJobSummary), new Map(rows.map((r) => [r.id, r])));
  }
}

export type { JobRow };
