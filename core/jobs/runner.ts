import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { diskFullError, nowIso } from '../db/open.js';
import type { JobHost, RunnerControl } from './host.js';
import { FramewiseError, cancelled, serializeError } from '../util/errors.js';
import { errorForLog } from '../util/log.js';
import type { AnyJobKindOf, JobContextOf } from './kind-of.js';
import type { JobRegistry } from './registry.js';
import { partialOutputJournal, sweepJobPartialOutputs } from './partial-outputs.js';
import { withPartialOutputJournal } from '../util/partial-outputs.js';
import { addJobEvent, replaceJobOutput, toJobSummary, type JobRow } from './store.js';
import { claimNext, hasClaimable, ownedUnfinished } from './claim.js';
import { runnersOf } from './runners.js';
import { progressReporter } from './progress-reporter.js';
import { recoverAbandonedJobs } from './recovery.js';
import type { JobRunnerInfo } from './types.js';

const HEARTBEAT_MS = 500;

/** What this process is, as `jobs` and `status` name it ("framewise import", pid …). */
export interface RunnerIdentity {
  role: JobRunnerInfo['role'];
  label: string;
}

export function defaultConcurrency(): number {
  return Math.max(1, (os.availableParallelism?.() ?? os.cpus().length) - 1);
}

/** After an abort at stop, jobs still running this long are named in the log. */
const STOP_WARN_MS = 10_000;

interface Running {
  controller: AbortController;
  promise: Promise<void>;
  kind: string;
}

/**
 * Runs queued jobs of this process's registered kinds, up to a concurrency limit. Jobs do their heavy
 * work in child processes (ffmpeg) or worker threads; this loop only coordinates.
 */
export class JobRunner<S extends JobHost = JobHost> implements RunnerControl {
  readonly runnerId = `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private running = new Map<number, Running>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private pumping = false;
  private pumpAgain = false;
  private lastRecovery = 0;
  /** 'own': a one-shot CLI runs the jobs it owns (created, or followed up) and the ones it waits on, not the queue. */
  private scope: 'all' | 'own' = 'all';
  private adopted = new Set<number>();

  constructor(
    private services: () => S,
    private registry: JobRegistry<S>,
    public concurrency = defaultConcurrency(),
    private identity: RunnerIdentity = { role: 'app', label: 'Framewise' },
  ) {}

  private get log() {
    return this.services().log;
  }

  private get db() {
    return this.services().db.writer;
  }

  async start(): Promise<void> {
    this.stopped = false;
    const now = nowIso();
    await runnersOf(this.db)
      .insertInto('job_runners')
      .values({
        id: this.runnerId,
        host: os.hostname(),
        pid: process.pid,
        role: this.identity.role,
        label: this.identity.label,
        scope: this.scope,
        started_at: now,
        heartbeat_at: now,
      })
      .execute();
    await this.recover();
    this.timer = setInterval(() => void this.tick(), HEARTBEAT_MS);
    this.timer.unref?.();
    this.wake();
  }

  /** The jobs this process is running now (id and kind; no input, which may name a patient’s file). */
  runningJobs(): Array<{ id: number; kind: string }> {
    return [...this.running].map(([id, r]) => ({ id, kind: r.kind }));
  }

  /**
   * Stop taking jobs; abort the running ones. Both they and the queued jobs this process owned are handed over:
   * back to the queue without an owner, for the next process that runs jobs.
   */
  async stop(opts: { requeue?: boolean } = {}): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    const ids = [...this.running.keys()];
    for (const r of this.running.values()) r.controller.abort('shutdown');
    // A job that does not honour its abort holds the stop: say which, so a hang is never silent.
    const slow = setTimeout(
      () => this.log.warn({ jobs: this.runningJobs() }, `jobs still stopping ${STOP_WARN_MS / 1000} s after the abort`),
      STOP_WARN_MS,
    );
    slow.unref();
    await Promise.allSettled([...this.running.values()].map((r) => r.promise));
    clearTimeout(slow);
    if (opts.requeue !== false && ids.length) {
      await this.db
        .updateTable('jobs')
        .set({ state: 'queued', runner_id: null, runner_pid: null, owner_runner: null, progress: 0, stage: null, eta_seconds: null })
        .where('id', 'in', ids)
        .where('state', '=', 'running')
        .execute()
        .catch((err: unknown) => this.log.warn({ err: errorForLog(err), jobs: ids.length }, 'could not re-queue running jobs at stop'));
    }
    await this.db
      .updateTable('jobs')
      .set({ owner_runner: null })
      .where('owner_runner', '=', this.runnerId)
      .where('state', '=', 'queued')
      .execute()
      .catch((err: unknown) => this.log.warn({ err: errorForLog(err) }, 'could not release queued jobs at stop'));
    // A row left behind is harmless (its heartbeat expires and other runners ignore it), but never silently.
    await runnersOf(this.db)
      .deleteFrom('job_runners')
      .where('id', '=', this.runnerId)
      .execute()
      .catch((err: unknown) => this.log.warn({ err: errorForLog(err) }, 'could not remove this runner at stop'));
  }

  /** Run only the jobs this process owns or waits on (a one-shot CLI command); call before `start`. */
  ownJobsOnly(): void {
    this.scope = 'own';
  }

  /** A job this process waits on: an 'own' runner runs it too if its owner is gone. */
  adopt(jobId: number): void {
    this.adopted.add(jobId);
  }

  /**
   * Resolve when no job owned by this process is queued or running (its follow-ups included): a one-shot CLI
   * command drains what it created before it exits.
   */
  async drain(timeoutMs = Infinity): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const left = await ownedUnfinished(this.db, this.runnerId);
      if (!left) return;
      if (this.stopped) throw new FramewiseError('internal', 'The job runner stopped before its jobs finished');
      if (Date.now() > deadline) throw new FramewiseError('internal', `Timed out waiting for job ${left.id}`);
      this.wake();
      let off: () => unknown = () => undefined;
      await new Promise<void>((resolve) => {
        off = this.services().events.subscribe((e) => e.type === 'job.state' && resolve());
        setTimeout(resolve, 200);
      });
      off();
    }
  }

  get activeCount(): number {
    return this.running.size;
  }

  /** Abort a job running in this process. Returns false if it is not running here. */
  abortLocal(jobId: number): boolean {
    const r = this.running.get(jobId);
    if (!r) return false;
    r.controller.abort('cancel');
    return true;
  }

  handling(jobId: number): boolean {
    return this.running.has(jobId);
  }

  wake(): void {
    if (this.stopped) return;
    void this.pump();
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    try {
      await runnersOf(this.db).updateTable('job_runners').set({ heartbeat_at: nowIso() }).where('id', '=', this.runnerId).execute();
      if (this.running.size) {
        const ids = [...this.running.keys()];
        // The heartbeat's update also returns the cancel flags (one statement a tick, not an update and a select).
        const beat = await this.db
          .updateTable('jobs')
          .set({ heartbeat_at: nowIso() })
          .where('id', 'in', ids)
          .where('runner_id', '=', this.runnerId)
          .returning(['id', 'cancel_requested'])
          .execute();
        for (const f of beat) if (f.cancel_requested === 1) this.abortLocal(f.id);
      }
      if (Date.now() - this.lastRecovery > 5000) await this.recover();
      this.wake();
    } catch (err) {
      // The database may be closing (stop); anything else is a bug worth seeing.
      if (!this.stopped) this.log.error({ err: errorForLog(err) }, 'job heartbeat failed');
    }
  }

  /** Jobs of processes that died go back to the queue or fail (recovery.ts). */
  async recover(): Promise<number> {
    this.lastRecovery = Date.now();
    return recoverAbandonedJobs(this.db, this.runnerId, this.services().events);
  }

  private async pump(): Promise<void> {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        while (!this.stopped && this.running.size < this.concurrency) {
          const row = await this.claim();
          if (!row) break;
          this.execute(row);
        }
        if (!this.stopped && this.running.size >= this.concurrency) await this.yieldBackground();
      } while (this.pumpAgain && !this.stopped);
    } catch (err) {
      if (!this.stopped) this.log.error({ err: errorForLog(err) }, 'claiming jobs failed');
    } finally {
      this.pumping = false;
    }
  }

  /**
   * Every slot is busy and a job a person asked for waits: one running background job (previews, frame counts)
   * gives its slot up. It is stopped like a cancel and put back in the queue, where it is claimed again after
   * the person's jobs (its attempt does not count).
   */
  private async yieldBackground(): Promise<void> {
    const background = this.registry.backgroundNames();
    if (!background.length) return;
    const yielding = [...this.running.values()].some((r) => r.controller.signal.reason === 'yield');
    const victim = [...this.running.entries()].find(([, r]) => background.includes(r.kind) && !r.controller.signal.aborted);
    if (yielding || !victim) return;
    const foreground = this.registry.names().filter((k) => !background.includes(k));
    if (!(await hasClaimable(this.db, { ...this.claimScope(), kinds: foreground }))) return;
    this.log.info({ jobId: victim[0], kind: victim[1].kind }, 'background job yields its slot');
    victim[1].controller.abort('yield');
  }

  /** A background job that yielded goes back to the queue, as it was before it started. */
  private async requeueYielded(row: JobRow): Promise<void> {
    const job = await this.db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('jobs')
        .set({
          state: 'queued',
          runner_id: null,
          runner_pid: null,
          progress: 0,
          stage: null,
          eta_seconds: null,
          attempts: sql`max(attempts - 1, 0)`,
        })
        .where('id', '=', row.id)
        .where('state', '=', 'running')
        .where('runner_id', '=', this.runnerId)
        .returningAll()
        .executeTakeFirst();
      if (updated) await addJobEvent(trx, row.id, 'requeued', { reason: 'yield' });
      return updated;
    });
    if (job) this.services().events.emit({ type: 'job.state', job: toJobSummary(job) });
  }

  private claimScope() {
    return {
      runnerId: this.runnerId,
      scope: this.scope,
      kinds: this.registry.names(),
      adopted: [...this.adopted],
      background: this.registry.backgroundNames(),
    };
  }

  private async cancelRequested(id: number): Promise<boolean> {
    const r = await this.db.selectFrom('jobs').select('cancel_requested').where('id', '=', id).executeTakeFirst();
    return r?.cancel_requested === 1;
  }

  private claim(): Promise<JobRow | undefined> {
    return claimNext(this.db, this.claimScope());
  }

  /** Resolve when nothing runs here and no queued job is left that this runner may claim (`jobs --run`). */
  async runUntilIdle(): Promise<void> {
    for (;;) {
      this.wake();
      await new Promise((r) => setTimeout(r, 200));
      if (this.stopped) return;
      if (!this.running.size && !this.pumping && !(await hasClaimable(this.db, this.claimScope()))) return;
    }
  }

  private execute(row: JobRow): void {
    const controller = new AbortController();
    const promise = this.runJob(row, controller)
      .catch((err: unknown) => this.log.error({ jobId: row.id, kind: row.kind, err: errorForLog(err) }, 'job bookkeeping failed'))
      .finally(() => {
        this.running.delete(row.id);
        this.wake();
      });
    this.running.set(row.id, { controller, promise, kind: row.kind });
    this.services().events.emit({ type: 'job.state', job: toJobSummary(row) });
  }

  private async runJob(row: JobRow, controller: AbortController): Promise<void> {
    const services = this.services();
    const kind: AnyJobKindOf<S> = this.registry.get(row.kind);
    const startedAt = Date.now();
    let workDir: string | null = null;
    const signal = controller.signal;
    const ctx: JobContextOf<S> = {
      jobId: row.id,
      services,
      signal,
      progress: progressReporter({ db: this.db, events: services.events, log: this.log, jobId: row.id, videoId: row.video_id, startedAt }),
      workDir: async () => {
        if (!workDir) {
          workDir = path.join(services.dataDir, 'tmp', `job-${row.id}-${randomBytes(3).toString('hex')}`);
          await mkdir(workDir, { recursive: true });
        }
        return workDir;
      },
    };
    try {
      const parsed = kind.input.safeParse(JSON.parse(row.input_json));
      if (!parsed.success) throw new FramewiseError('usage', `Invalid stored input for job ${row.id}: ${parsed.error.message}`);
      const input = parsed.data;
      if (kind.precondition) await kind.precondition(services, input);
      if (signal.aborted) throw cancelled();
      // The temp files it writes beside its outputs are recorded, so a process death leaves none (partial-outputs.ts).
      const rawOutput = await withPartialOutputJournal(partialOutputJournal(this.db, row.id), () => kind.run(ctx, input));
      if (signal.aborted) throw cancelled();
      const out = kind.output.safeParse(rawOutput);
      if (!out.success) throw new FramewiseError('internal', `Job ${row.kind} produced invalid output: ${out.error.message}`);
      let output = out.data;
      const ran = output;
      const followUps: JobRow[] = [];
      let finished = await this.db
        .transaction()
        .execute(async (trx) => {
          if (kind.commit) output = (await kind.commit(trx, input, output, services)) ?? output;
          const updated = await trx
            .updateTable('jobs')
            .set({
              state: 'succeeded',
              progress: 1,
              output_json: JSON.stringify(output),
              finished_at: nowIso(),
              eta_seconds: null,
              stage: null,
            })
            .where('id', '=', row.id)
            .where('state', '=', 'running')
            .where('runner_id', '=', this.runnerId)
            .returningAll()
            .executeTakeFirst();
          if (!updated) throw new FramewiseError('conflict', `Job ${row.id} was taken over by another process`);
          await addJobEvent(trx, row.id, 'succeeded');
          for (const f of kind.followUps?.(input, output) ?? []) {
            const { input: followInput } = services.jobs.validate(f.kind, f.input);
            const made = await services.jobs.insertJob(trx, f.kind, followInput, { owner: this.runnerId, parentId: row.id });
            if (!made.existing) followUps.push(made.row);
          }
          return updated;
        })
        .catch(async (err: unknown) => {
          if (kind.commitFailed)
            await kind
              .commitFailed(services, input, ran, err)
              .catch((e: unknown) => this.log.error({ jobId: row.id, kind: row.kind, err: errorForLog(e) }, 'undoing a job failed'));
          throw err;
        });
      for (const f of followUps) services.events.emit({ type: 'job.state', job: toJobSummary(f) });
      // Follow-ups (events, next jobs) happen before the job is announced finished, so a waiter sees them.
      if (kind.afterCommit) {
        const more = await kind.afterCommit(services, input, output).catch((err: unknown) => {
          this.log.error({ jobId: row.id, kind: row.kind, err: errorForLog(err) }, 'job follow-up failed (the job itself succeeded)');
          return undefined;
        });
        if (more !== undefined) finished = await replaceJobOutput(this.db, finished, kind.output.safeParse(more), this.log);
      }
      services.events.emit({ type: 'job.state', job: toJobSummary(finished) });
      this.log.info({ jobId: row.id, kind: row.kind, ms: Date.now() - startedAt }, 'job succeeded');
    } catch (thrown) {
      if (signal.aborted && signal.reason === 'shutdown') return; // requeued by stop()
      // A cancel that arrived while yielding wins (the flag is read from the row).
      if (signal.aborted && signal.reason === 'yield' && !(await this.cancelRequested(row.id))) return this.requeueYielded(row);
      const isCancel = signal.aborted || (thrown instanceof FramewiseError && thrown.code === 'cancelled');
      // SQLite says only "database or disk is full": name the library folder.
      const err = diskFullError(services.dataDir, thrown, { databaseOnly: true }) ?? thrown;
      await services.jobs
        .markFinished(row.id, isCancel ? 'cancelled' : 'failed', isCancel ? null : err, {
          fromStates: ['running'],
          runnerId: this.runnerId,
        })
        .catch((e: unknown) => {
          // The end cannot be recorded (a full disk): waiters in this process still learn it; the row stays
          // running until this process's heartbeat stops and the next start reaps it as interrupted.
          this.log.error({ jobId: row.id, kind: row.kind, err: errorForLog(e) }, 'job end not stored');
          const error = serializeError(isCancel ? cancelled() : err);
          services.events.emit({
            type: 'job.state',
            job: { ...toJobSummary(row), state: isCancel ? 'cancelled' : 'failed', error, finishedAt: nowIso() },
          });
        });
      const e = errorForLog(err);
      this.log[isCancel ? 'info' : e.code === 'internal' ? 'error' : 'warn'](
        { jobId: row.id, kind: row.kind, ms: Date.now() - startedAt, err: e },
        isCancel ? 'job cancelled' : 'job failed',
      );
    } finally {
      if (workDir)
        await rm(workDir, { recursive: true, force: true }).catch((err: unknown) =>
          this.log.warn({ jobId: row.id, err: errorForLog(err) }, 'job work folder not removed'),
        );
      await sweepJobPartialOutputs(this.db, row.id).then(
        (n) => n && this.log.warn({ jobId: row.id, kind: row.kind, files: n }, 'temp files the job left were removed'),
        (err: unknown) => this.log.warn({ jobId: row.id, err: errorForLog(err) }, 'temp files of the job not checked'),
      );
    }
  }
}
