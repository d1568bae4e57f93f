import { createHash, randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pidAlive } from './liveness.js';

/**
 * Scratch folders in the library's `tmp/` that belong to a process rather than a job (e.g. a subtitle preview,
 * which may hold cue texts): the name says whose they are — `<purpose>-p<pid>-h<host>-<random>` — so the
 * start-up reaper can tell an abandoned one (its process died: kill -9, a crash) from one in use, as it tells job
 * folders by their job's process (`reaper.ts`). The folder is owner-only; the caller removes it when done.
 */
const HOST_TAG = createHash('sha256').update(os.hostname()).digest('hex').slice(0, 8);
const OWNED = /^([a-z][a-z0-9-]*?)-p(\d+)-h([0-9a-f]{8})-[0-9a-f]+$/;

/** A library on a shared disk may hold folders of another machine's processes: gone when older than this. */
export const FOREIGN_TMP_MAX_AGE_MS = 60 * 60 * 1000;

/** The name of a folder owned by process `pid` of this host. */
export function ownedTmpName(purpose: string, pid = process.pid): string {
  return `${purpose}-p${pid}-h${HOST_TAG}-${randomBytes(4).toString('hex')}`;
}

export async function makeOwnedTmpDir(dataDir: string, purpose: string): Promise<string> {
  const parent = path.join(dataDir, 'tmp');
  await mkdir(parent, { recursive: true, mode: 0o700 });
  const dir = path.join(parent, ownedTmpName(purpose));
  await mkdir(dir, { mode: 0o700 });
  return dir;
}

/** The owner of a process-owned tmp folder name, or null when the name is not one. */
export function ownedTmpOwner(name: string): { purpose: string; pid: number; sameHost: boolean } | null {
  const m = OWNED.exec(name);
  return m ? { purpose: m[1]!, pid: Number(m[2]), sameHost: m[3] === HOST_TAG } : null;
}

/** Is the process that owns this folder alive? On this host its pid decides; another host's folder lives an hour. */
export function ownedTmpInUse(owner: { pid: number; sameHost: boolean }, modifiedMs: number, now = Date.now()): boolean {
  return owner.sameHost ? pidAlive(owner.pid) : now - modifiedMs < FOREIGN_TMP_MAX_AGE_MS;
}
