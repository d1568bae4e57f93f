import type BetterSqlite3 from 'better-sqlite3';
import os from 'node:os';
import { sql, type RawBuilder } from 'kysely';

/** A running job (or a job runner) whose heartbeat is older than this is dead: its process stopped. */
export const STALE_AFTER_MS = 15_000;

const HOST = os.hostname();

/** Does a process with this pid exist on this host? */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Is the process behind a runner id ("host:pid:random") alive? Its heartbeat must be fresh, and on this host its
 * pid must exist (a killed process is seen at once, without waiting for the heartbeat to expire).
 */
export function processAlive(runnerId: string | null, pid: number | null, heartbeatAt: string | null, now = Date.now()): boolean {
  if (!runnerId || !heartbeatAt) return false;
  const beat = Date.parse(heartbeatAt);
  if (!Number.isFinite(beat) || now - beat > STALE_AFTER_MS) return false;
  if (pid !== null && runnerId.startsWith(`${HOST}:`) && !pidAlive(pid)) return false;
  return true;
}

/** The state a job shows: a `running` job whose process is dead is `interrupted` (until a runner re-queues it). */
export function liveJobState(row: {
  state: string;
  runner_id: string | null;
  runner_pid: number | null;
  heartbeat_at: string | null;
}): string {
  return row.state === 'running' && !processAlive(row.runner_id, row.runner_pid, row.heartbeat_at) ? 'interrupted' : row.state;
}

/** SQL functions on every connection of the library, so queries derive liveness the same way as `liveJobState`. */
export function registerLivenessFunctions(db: BetterSqlite3.Database): void {
  db.function('fw_alive', { deterministic: false }, (runnerId: unknown, pid: unknown, heartbeatAt: unknown) =>
    processAlive(
      typeof runnerId === 'string' ? runnerId : null,
      typeof pid === 'number' || typeof pid === 'bigint' ? Number(pid) : null,
      typeof heartbeatAt === 'string' ? heartbeatAt : null,
    )
      ? 1
      : 0,
  );
}

/** The live state of the `jobs` row in a query (`alias` = the jobs table's name or alias there). */
export function liveStateSql(alias = 'jobs'): RawBuilder<string> {
  const c = (col: string) => sql.ref(`${alias}.${col}`);
  return sql<string>`(CASE WHEN ${c('state')} = 'running' AND fw_alive(${c('runner_id')}, ${c('runner_pid')}, ${c('heartbeat_at')}) = 0 THEN 'interrupted' ELSE ${c('state')} END)`;
}
