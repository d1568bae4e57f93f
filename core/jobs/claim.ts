import { sql, type Kysely, type SqlBool, type Transaction } from 'kysely';
import { nowIso } from '../db/open.js';
import type { Database } from '../db/schema.js';
import { addJobEvent, type JobRow } from './store.js';

/** Who may claim what: see `claimNext`. */
export interface ClaimScope {
  runnerId: string;
  /** 'all' (the app, `serve`, `jobs --run`) or 'own' (a one-shot CLI command). */
  scope: 'all' | 'own';
  /** Kinds this process can run. */
  kinds: string[];
  /** Jobs an 'own' runner waits on (it enqueued them, or joined them as duplicates). */
  adopted: number[];
  /** Kinds claimed only when no other queued job waits (work nobody asked for: previews, frame counts). */
  background?: string[];
}

/** A queued job's owner is gone (never set, stopped, or dead): `fw_alive` is the SQL side of `processAlive`. */
const ownerGone = sql<SqlBool>`(jobs.owner_runner IS NULL OR NOT EXISTS (
  SELECT 1 FROM job_runners r WHERE r.id = jobs.owner_runner AND fw_alive(r.id, r.pid, r.heartbeat_at) = 1))`;

/**
 * Claim the oldest queued job this runner may run, atomically (a conditional update: two processes never both
 * get it). A runner runs the jobs it owns; an 'all' runner also runs jobs whose owner is gone; an 'own' runner
 * also runs the jobs it waits on when their owner is gone. The claimer becomes the owner, so the job's
 * follow-ups run in the same process.
 */
function claimable(db: Kysely<Database> | Transaction<Database>, s: ClaimScope) {
  const adopted = s.adopted.length ? s.adopted : [-1];
  return db
    .selectFrom('jobs')
    .select('id')
    .where('state', '=', 'queued')
    .where('kind', 'in', s.kinds.length ? s.kinds : [''])
    .where((eb) =>
      s.scope === 'all'
        ? eb.or([eb('owner_runner', '=', s.runnerId), ownerGone])
        : eb.or([eb('owner_runner', '=', s.runnerId), eb.and([eb('id', 'in', adopted), ownerGone])]),
    );
}

/** Is there a queued job this runner may claim? */
export async function hasClaimable(db: Kysely<Database>, s: ClaimScope): Promise<boolean> {
  return (await claimable(db, s).limit(1).executeTakeFirst()) !== undefined;
}

export async function claimNext(db: Kysely<Database>, s: ClaimScope): Promise<JobRow | undefined> {
  if (!s.kinds.length) return undefined;
  const now = nowIso();
  return db.transaction().execute(async (trx) => {
    const background = s.background ?? [];
    const next = await claimable(trx, s)
      // Jobs a person asked for first; background work only when none waits.
      .$if(background.length > 0, (q) => q.orderBy(sql`CASE WHEN kind IN (${sql.join(background)}) THEN 1 ELSE 0 END`))
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
    if (!next) return undefined;
    const row = await trx
      .updateTable('jobs')
      .set({
        state: 'running',
        runner_id: s.runnerId,
        runner_pid: process.pid,
        owner_runner: s.runnerId,
        started_at: now,
        heartbeat_at: now,
        attempts: sql`attempts + 1`,
        progress: 0,
        stage: null,
        eta_seconds: null,
        error_json: null,
      })
      .where('id', '=', next.id)
      .where('state', '=', 'queued')
      .returningAll()
      .executeTakeFirst();
    if (row) await addJobEvent(trx, row.id, 'started', { attempt: row.attempts, runner: s.runnerId });
    return row;
  });
}

/** A job this runner owns that is still queued, or that it runs (what a one-shot command drains before exit). */
export function ownedUnfinished(db: Kysely<Database>, runnerId: string) {
  return db
    .selectFrom('jobs')
    .select('id')
    .where((eb) =>
      eb.or([
        eb.and([eb('owner_runner', '=', runnerId), eb('state', '=', 'queued')]),
        eb.and([eb('runner_id', '=', runnerId), eb('state', '=', 'running')]),
      ]),
    )
    .limit(1)
    .executeTakeFirst();
}
