import { rm, stat } from 'node:fs/promises';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { PartialOutputJournal } from '../util/partial-outputs.js';
import { processAlive } from './liveness.js';
import type { ReapContext, Removal } from './reaper.js';

/**
 * The `job_partial_outputs` table (migration 57): the temp files each running job is writing beside its outputs
 * (core/util/partial-outputs.ts). A job's rows go when it ends; rows left by a process that died are removed, with
 * their files, by the next process that opens the library (`reapPartialOutputs`, a cleanup of the jobs capability).
 */
export type JobPartialOutputsTable = { id: number | null; job_id: number; path: string };
const partialsOf = (db: Kysely<Database>) => db.withTables<{ job_partial_outputs: JobPartialOutputsTable }>();

/** The journal a job runs with: each temp file is a row (sealed path) from before it is written until it is gone. */
export function partialOutputJournal(db: Kysely<Database>, jobId: number): PartialOutputJournal {
  const rows = new Map<string, number>();
  return {
    async add(file) {
      const row = await partialsOf(db)
        .insertInto('job_partial_outputs')
        .values({ id: null, job_id: jobId, path: file })
        .returning('id')
        .executeTakeFirstOrThrow();
      rows.set(file, row.id!);
    },
    async remove(file) {
      const id = rows.get(file);
      if (id === undefined) return;
      rows.delete(file);
      await partialsOf(db).deleteFrom('job_partial_outputs').where('id', '=', id).execute();
    },
  };
}

/**
 * After a job ended in this process: whatever its rows still list (a temp file a capability did not remove, or one
 * left by an earlier attempt of the same job in a process that died) is removed, then the rows. Temp names are
 * random and never a final name, so only leftovers are deleted.
 */
export async function sweepJobPartialOutputs(db: Kysely<Database>, jobId: number): Promise<number> {
  const rows = await partialsOf(db).selectFrom('job_partial_outputs').select(['id', 'path']).where('job_id', '=', jobId).execute();
  let removed = 0;
  for (const r of rows) {
    if (await removeIfPresent(r.path)) removed++;
    await partialsOf(db).deleteFrom('job_partial_outputs').where('id', '=', r.id!).execute();
  }
  return removed;
}

/** At a process start: the temp files of jobs no live process runs (their process died mid-write). */
export async function reapPartialOutputs(ctx: ReapContext): Promise<Removal[]> {
  const db = ctx.db.writer;
  const rows = await partialsOf(db)
    .selectFrom('job_partial_outputs as p')
    .innerJoin('jobs as j', 'j.id', 'p.job_id')
    .select(['p.id', 'p.job_id', 'p.path', 'j.state', 'j.runner_id', 'j.runner_pid', 'j.heartbeat_at'])
    .execute();
  const removed: Removal[] = [];
  for (const r of rows) {
    if (r.state === 'running' && processAlive(r.runner_id, r.runner_pid, r.heartbeat_at)) continue;
    const existed = await removeIfPresent(r.path);
    await partialsOf(db).deleteFrom('job_partial_outputs').where('id', '=', r.id!).execute();
    // The audit names the job only, never the user's path.
    removed.push({ kind: 'partial_output', detail: { jobId: r.job_id, fileRemoved: existed ? 1 : 0 } });
  }
  return removed;
}

async function removeIfPresent(file: string): Promise<boolean> {
  const existed = await stat(file).then(
    () => true,
    () => false,
  );
  if (existed) await rm(file, { force: true });
  return existed;
}
