import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database, JobsTable } from '../db/schema.js';
import { nowIso } from '../db/open.js';
import type { JobEvent, JobState, JobSummary } from './types.js';
import { liveJobState } from './liveness.js';
import type { SerializedError } from '../util/errors.js';
import { errorForLog, type Log } from '../util/log.js';

export type JobRow = Selectable<JobsTable>;

function parse(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The job as the API shows it; a `running` job whose process died shows as `interrupted`, without an ETA. */
export function toJobSummary(row: JobRow): JobSummary {
  const state = liveJobState(row) as JobState;
  return {
    id: row.id,
    kind: row.kind,
    videoId: row.video_id,
    state,
    progress: row.progress,
    stage: row.stage,
    etaSeconds: state === 'running' ? row.eta_seconds : null,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    input: parse(row.input_json),
    output: parse(row.output_json),
    error: parse(row.error_json) as SerializedError | null,
    cancelRequested: row.cancel_requested === 1,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    parentId: row.parent_id ?? null,
  };
}

type Db = Kysely<Database> | Transaction<Database>;

export async function addJobEvent(db: Db, jobId: number, type: string, data?: unknown): Promise<void> {
  await db
    .insertInto('job_events')
    .values({ job_id: jobId, at: nowIso(), type, data_json: data === undefined ? null : JSON.stringify(data) })
    .execute();
}

export async function getJobRow(db: Db, id: number): Promise<JobRow | undefined> {
  return db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listJobEvents(db: Db, jobId: number): Promise<JobEvent[]> {
  const rows = await db.selectFrom('job_events').selectAll().where('job_id', '=', jobId).orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, jobId: r.job_id, at: r.at, type: r.type, data: parse(r.data_json) }));
}

export const ACTIVE_STATES: JobState[] = ['queued', 'running'];

/**
 * Store the output a job's `afterCommit` replaced (validated like `run`'s). The job stays succeeded whatever
 * happens: an output that is invalid or cannot be stored leaves the committed one (logged), never a failed job.
 */
export async function replaceJobOutput(
  db: Kysely<Database>,
  row: JobRow,
  parsed: { success: boolean; data?: unknown },
  log: Pick<Log, 'error'>,
): Promise<JobRow> {
  if (!parsed.success) {
    log.error({ jobId: row.id, kind: row.kind }, 'job follow-up produced an invalid output: the committed one stays');
    return row;
  }
  return db
    .updateTable('jobs')
    .set({ output_json: JSON.stringify(parsed.data) })
    .where('id', '=', row.id)
    .returningAll()
    .executeTakeFirstOrThrow()
    .catch((err: unknown) => {
      log.error({ jobId: row.id, kind: row.kind, err: errorForLog(err) }, 'job follow-up output not stored');
      return row;
    });
}
