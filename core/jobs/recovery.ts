import type { Kysely } from 'kysely';
import { nowIso } from '../db/open.js';
import type { Database } from '../db/schema.js';
import type { EventBus } from '../events/bus.js';
import { processAlive } from './liveness.js';
import { runnersOf } from './runners.js';
import { addJobEvent, toJobSummary } from './store.js';

/**
 * Jobs left `running` by a process that died go back to the queue (or fail after max attempts); `self` (the
 * runner asking) is never taken for dead. A job is abandoned when its runner's pid is gone on this host or its
 * heartbeat is stale (`processAlive`). Rows of job runners that died are removed. Returns how many jobs it found.
 */
export async function recoverAbandonedJobs(db: Kysely<Database>, self: string, events: Pick<EventBus, 'emit'>): Promise<number> {
  const runners = await runnersOf(db).selectFrom('job_runners').select(['id', 'pid', 'heartbeat_at']).execute();
  const deadRunners = runners.filter((r) => r.id !== self && !processAlive(r.id, r.pid, r.heartbeat_at)).map((r) => r.id);
  if (deadRunners.length) await runnersOf(db).deleteFrom('job_runners').where('id', 'in', deadRunners).execute();
  const rows = await db.selectFrom('jobs').selectAll().where('state', '=', 'running').execute();
  let n = 0;
  for (const row of rows) {
    if (row.runner_id === self) continue;
    if (processAlive(row.runner_id, row.runner_pid, row.heartbeat_at)) continue;
    n++;
    const exhausted = row.attempts >= row.max_attempts;
    const job = await db.transaction().execute(async (trx) => {
      const updated = exhausted
        ? await trx
            .updateTable('jobs')
            .set({
              state: 'failed',
              finished_at: nowIso(),
              error_json: JSON.stringify({
                code: 'interrupted',
                message: `The process running this job stopped ${row.attempts} times; giving up after ${row.max_attempts} attempts.`,
              }),
            })
            .where('id', '=', row.id)
            .where('state', '=', 'running')
            .returningAll()
            .executeTakeFirst()
        : await trx
            .updateTable('jobs')
            .set({ state: 'queued', runner_id: null, runner_pid: null, owner_runner: null, progress: 0, stage: null, eta_seconds: null })
            .where('id', '=', row.id)
            .where('state', '=', 'running')
            .returningAll()
            .executeTakeFirst();
      if (updated) await addJobEvent(trx, row.id, exhausted ? 'failed' : 'requeued', { reason: 'interrupted', attempts: row.attempts });
      return updated;
    });
    if (job) events.emit({ type: 'job.state', job: toJobSummary(job) });
  }
  return n;
}
