import { readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { nowIso } from '../db/open.js';
import type { Services } from '../services.js';
import { addJobEvent } from './store.js';

/**
 * What a process that died leaves behind, removed by EVERY Framewise process when it starts (CLI command,
 * `serve`, the app) before it does anything else:
 *  - jobs still `running` whose runner process is gone (same host) or whose heartbeat expired: failed when
 *    their attempts are used up, queued again otherwise;
 *  - what capabilities registered (e.g. anonymization: the unverified partial output of an interrupted export);
 *  - `tmp/job-*` folders of jobs that no live process runs.
 * Every removal is recorded in `cleanup_audit` (ids and internal folder names only, never a user's path).
 */
export const STALE_HEARTBEAT_MS = 15_000;

export interface Removal {
  kind: 'job' | 'partial_output' | 'tmp_folder';
  detail: Record<string, string | number | null>;
}

type Cleanup = (services: Services) => Promise<Removal[]>;
const cleanups = new Map<string, Cleanup>();

/** A capability's own leftovers (run after abandoned jobs were settled). */
export function registerCleanup(name: string, fn: Cleanup): void {
  cleanups.set(name, fn);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function abandoned(row: { runner_id: string | null; runner_pid: number | null; heartbeat_at: string | null }, ownRunner?: string): boolean {
  if (ownRunner && row.runner_id === ownRunner) return false;
  const sameHost = row.runner_id?.startsWith(`${os.hostname()}:`) ?? false;
  if (sameHost && row.runner_pid === process.pid) return false;
  const dead = sameHost && row.runner_pid !== null && !pidAlive(row.runner_pid);
  const stale = !row.heartbeat_at || Date.now() - Date.parse(row.heartbeat_at) > STALE_HEARTBEAT_MS;
  return dead || stale;
}

async function reapJobs(db: Kysely<import('../db/schema.js').Database>): Promise<Removal[]> {
  const rows = await db.selectFrom('jobs').selectAll().where('state', '=', 'running').execute();
  const out: Removal[] = [];
  for (const row of rows) {
    if (!abandoned(row)) continue;
    const exhausted = row.attempts >= row.max_attempts;
    const done = await db.transaction().execute(async (trx) => {
      const r = await trx
        .updateTable('jobs')
        .set(
          exhausted
            ? {
                state: 'failed',
                finished_at: nowIso(),
                eta_seconds: null,
                error_json: JSON.stringify({
                  code: 'interrupted',
                  message: `Interrupted: the process running this job stopped ${row.attempts} time(s); giving up after ${row.max_attempts} attempts. What it left behind was removed.`,
                }),
              }
            : { state: 'queued', runner_id: null, runner_pid: null, progress: 0, stage: null, eta_seconds: null },
        )
        .where('id', '=', row.id)
        .where('state', '=', 'running')
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) > 0) await addJobEvent(trx, row.id, exhausted ? 'failed' : 'requeued', { reason: 'interrupted' });
      return Number(r.numUpdatedRows) > 0;
    });
    if (done) out.push({ kind: 'job', detail: { jobId: row.id, jobKind: row.kind, now: exhausted ? 'failed' : 'queued' } });
  }
  return out;
}

async function reapTmpFolders(services: Services): Promise<Removal[]> {
  const dir = path.join(services.dataDir, 'tmp');
  const names = await readdir(dir).catch(() => [] as string[]);
  if (!names.length) return [];
  const running = await services.db.writer
    .selectFrom('jobs')
    .select(['id', 'runner_id', 'runner_pid', 'heartbeat_at'])
    .where('state', '=', 'running')
    .execute();
  const live = new Set(running.filter((r) => !abandoned(r)).map((r) => r.id));
  const out: Removal[] = [];
  for (const name of names) {
    const m = /^job-(\d+)-[0-9a-f]+$/.exec(name);
    if (!m || live.has(Number(m[1]))) continue;
    await rm(path.join(dir, name), { recursive: true, force: true });
    out.push({ kind: 'tmp_folder', detail: { folder: `tmp/${name}`, jobId: Number(m[1]) } });
  }
  return out;
}

/** Run every step; returns what was removed (also written to `cleanup_audit`). */
export async function reapAbandoned(services: Services, processName: string = process.title): Promise<Removal[]> {
  const removed: Removal[] = [];
  removed.push(...(await reapJobs(services.db.writer)));
  for (const fn of cleanups.values()) removed.push(...(await fn(services)));
  removed.push(...(await reapTmpFolders(services)));
  if (removed.length) {
    const db = services.db.writer.withTables<{ cleanup_audit: CleanupAuditTable }>();
    const at = nowIso();
    for (const r of removed) {
      await db
        .insertInto('cleanup_audit')
        .values({ id: null, at, process: processName.slice(0, 40), kind: r.kind, detail_json: JSON.stringify(r.detail) })
        .execute();
    }
  }
  return removed;
}

export type CleanupAuditTable = {
  id: number | null;
  at: string;
  process: string;
  kind: Removal['kind'];
  detail_json: string;
};
