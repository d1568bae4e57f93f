import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { JobRunnerInfo, JobSummary } from './types.js';
import { processAlive } from './liveness.js';

/** The `job_runners` table (migration 55): one row per live process that runs jobs. */
export type JobRunnersTable = {
  id: string;
  host: string;
  pid: number;
  role: string;
  label: string;
  scope: string;
  started_at: string;
  heartbeat_at: string;
};
export type RunnerTables = { job_runners: JobRunnersTable };
type Db = Kysely<Database> | Transaction<Database>;

export const runnersOf = (db: Db) => (db as Kysely<Database>).withTables<RunnerTables>();

/** The processes that run jobs on this library and are alive now. */
export async function liveRunners(db: Db): Promise<JobRunnerInfo[]> {
  const rows = await runnersOf(db).selectFrom('job_runners').selectAll().orderBy('started_at').execute();
  return rows
    .filter((r) => processAlive(r.id, r.pid, r.heartbeat_at))
    .map((r) => ({
      id: r.id,
      role: r.role as JobRunnerInfo['role'],
      label: r.label,
      host: r.host,
      pid: r.pid,
      scope: r.scope as JobRunnerInfo['scope'],
    }));
}

/**
 * Fill `runBy` of queued and running jobs: the process running it; for a queued job its live owner, else the
 * first live process that runs any job (the app or `serve`), else null (no live process will run it yet).
 */
export async function withRunBy(db: Db, jobs: JobSummary[], rows: Map<number, { owner_runner: string | null; runner_id: string | null }>) {
  if (!jobs.some((j) => j.state === 'queued' || j.state === 'running')) return jobs;
  const live = await liveRunners(db);
  const byId = new Map(live.map((r) => [r.id, r]));
  const anyRunner = live.find((r) => r.scope === 'all') ?? null;
  for (const j of jobs) {
    const row = rows.get(j.id);
    if (j.state === 'running') j.runBy = (row?.runner_id && byId.get(row.runner_id)) || null;
    else if (j.state === 'queued') j.runBy = (row?.owner_runner && byId.get(row.owner_runner)) || anyRunner;
  }
  return jobs;
}

/** Text for "who will run it", as `jobs` and `status` print it. */
export function describeRunBy(job: JobSummary): string {
  if (job.state !== 'queued' && job.state !== 'running') return '';
  if (!job.runBy) return 'no process yet: runs when the app, `framewise serve` or `framewise jobs --run` opens the library';
  return `${job.runBy.label} (pid ${job.runBy.pid}${job.runBy.host ? ` on ${job.runBy.host}` : ''})`;
}
