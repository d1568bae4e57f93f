import { rm, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Services } from '../services.js';
import { FramewiseError } from '../util/errors.js';

/** True when `p` lies inside `dir` (after resolving). */
function inside(dir: string, p: string): boolean {
  const rel = path.relative(path.resolve(dir), path.resolve(p));
  return !!rel && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/**
 * Remove videos from the library: their jobs are cancelled, their rows (segments, patient data, artifacts …)
 * deleted, their derived files removed. With `deleteCopies`, the file the library holds itself is deleted
 * too (its copy in media/, or a browser upload in uploads/); a user's original is never touched. The export
 * audit trail stays (it has no foreign key on purpose).
 */
export async function removeVideos(
  services: Services,
  ids: number[],
  deleteCopies: boolean,
): Promise<{ removed: number[]; deletedFiles: number }> {
  const db = services.db.writer;
  const rows = await db.selectFrom('videos').select(['id', 'path', 'copied']).where('id', 'in', ids).execute();
  const missing = ids.filter((id) => !rows.some((r) => r.id === id));
  if (missing.length) throw new FramewiseError('not_found', `No video with id ${missing.join(', ')}`);
  // Stop what runs for these videos first (ffmpeg is killed by the runner).
  const active = await services.jobs.list({ states: ['queued', 'running'] });
  for (const j of active) if (j.videoId !== null && ids.includes(j.videoId)) await services.jobs.cancel(j.id).catch(() => undefined);
  const artifacts = await db.selectFrom('artifacts').select(['path']).where('video_id', 'in', ids).execute();
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('videos').where('id', 'in', ids).execute();
  });
  let deletedFiles = 0;
  for (const a of artifacts) {
    const p = path.resolve(services.artifactsDir, a.path);
    if (!inside(services.artifactsDir, p)) continue;
    await rm(p, { force: true, recursive: true }).catch(() => undefined);
  }
  if (deleteCopies)
    for (const r of rows) {
      // The library's own files only: its copy in media/, or a file the browser uploaded into uploads/.
      const uploads = path.join(services.dataDir, 'uploads');
      const own = (r.copied && inside(services.mediaDir, r.path)) || inside(uploads, r.path);
      if (!own) continue;
      try {
        await unlink(r.path);
        deletedFiles++;
        if (inside(uploads, r.path)) await rm(path.dirname(r.path), { recursive: false }).catch(() => undefined);
      } catch {
        /* already gone */
      }
    }
  for (const r of rows) services.events.emit({ type: 'video.removed', videoId: r.id });
  return { removed: rows.map((r) => r.id), deletedFiles };
}

/** Forget failed imports (their job rows): the files stay where they are. */
export async function dismissFailedImports(services: Services, jobIds: number[]): Promise<{ dismissed: number }> {
  const res = await services.db.writer
    .deleteFrom('jobs')
    .where('id', 'in', jobIds)
    .where('kind', '=', 'import')
    .where('state', 'in', ['failed', 'cancelled'])
    .executeTakeFirst();
  return { dismissed: Number(res.numDeletedRows) };
}
