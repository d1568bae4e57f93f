import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { nowIso, type LibraryDb } from '../db/open.js';
import { processAlive } from './liveness.js';
import { ownedTmpInUse, ownedTmpOwner } from './owned-tmp.js';

/**
 * What a process that died leaves behind, removed by EVERY Framewise process when it starts (CLI command,
 * `serve`, the app) before it does anything else:
 *  - what capabilities declare in `Capability.cleanups` (e.g. anonymization: the unverified partial output of an interrupted export);
 *  - `tmp/job-*` folders of jobs that no live process runs;
 *  - process-owned `tmp/` folders (`owned-tmp.ts`: a subtitle preview's, which holds cue texts) whose process
 *    died, and subtitle-preview folders of earlier versions (no owner in their name) older than ten minutes.
 * Jobs whose process died are not touched here: every listing shows them as `interrupted` at once (derived
 * from their heartbeat, `liveness.ts`) and the next process that runs jobs re-queues them (`JobRunner.recover`).
 * Every removal is recorded in `cleanup_audit` (ids and internal folder names only, never a user's path).
 */

export interface Removal {
  kind: 'job' | 'partial_output' | 'tmp_folder';
  detail: Record<string, string | number | null>;
}

/** What the reaper needs of a library; `Services` fits it. */
export interface ReapContext {
  dataDir: string;
  db: LibraryDb;
}

/** A capability's own leftovers (e.g. anonymization's partial outputs), declared in its `Capability.cleanups`. */
export interface Cleanup<C extends ReapContext = ReapContext> {
  name: string;
  run(ctx: C): Promise<Removal[]>;
}

async function reapTmpFolders(services: ReapContext): Promise<Removal[]> {
  const dir = path.join(services.dataDir, 'tmp');
  const names = await readdir(dir).catch(() => [] as string[]);
  if (!names.length) return [];
  const running = await services.db.writer
    .selectFrom('jobs')
    .select(['id', 'runner_id', 'runner_pid', 'heartbeat_at'])
    .where('state', '=', 'running')
    .execute();
  const live = new Set(running.filter((r) => processAlive(r.runner_id, r.runner_pid, r.heartbeat_at)).map((r) => r.id));
  const out: Removal[] = [];
  for (const name of names) {
    const m = /^job-(\d+)-[0-9a-f]+$/.exec(name);
    if (m) {
      if (live.has(Number(m[1]))) continue;
      await rm(path.join(dir, name), { recursive: true, force: true });
      out.push({ kind: 'tmp_folder', detail: { folder: `tmp/${name}`, jobId: Number(m[1]) } });
      continue;
    }
    const owner = ownedTmpOwner(name);
    const legacyPreview = /^subtitle-preview-[A-Za-z0-9]{6}$/.test(name);
    if (!owner && !legacyPreview) continue;
    const modified = await stat(path.join(dir, name)).then(
      (st) => st.mtimeMs,
      () => null,
    );
    if (modified === null) continue;
    if (owner ? ownedTmpInUse(owner, modified) : Date.now() - modified < LEGACY_PREVIEW_MAX_AGE_MS) continue;
    await rm(path.join(dir, name), { recursive: true, force: true });
    out.push({ kind: 'tmp_folder', detail: { folder: `tmp/${name}`, pid: owner?.pid ?? null } });
  }
  return out;
}

/** A subtitle preview takes seconds: one from a version without owners in folder names is abandoned after this. */
const LEGACY_PREVIEW_MAX_AGE_MS = 10 * 60 * 1000;

/** Run every step; returns what was removed (also written to `cleanup_audit`). */
export async function reapAbandoned<C extends ReapContext>(
  services: C,
  cleanups: ReadonlyArray<Cleanup<C>>,
  processName: string = process.title,
): Promise<Removal[]> {
  const removed: Removal[] = [];
  for (const c of cleanups) removed.push(...(await c.run(services)));
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
