import { stat } from 'node:fs/promises';
import type { Services } from '../services.js';
import { FramewiseError } from '../util/errors.js';
import type { ExportedFile } from './export-job.js';
import { clipState } from './edits.js';
import { clipTables } from './store.js';

export interface ExportedClip {
  clipId: number;
  n: number;
  path: string;
  mode: ExportedFile['mode'];
}

/**
 * The file each clip of a video was last exported to, when it holds exactly the clip's current frames (whatever
 * the clip's number is now) and still exists: an edited clip has no file until it is exported again. Read from the library's own export jobs: only
 * files the app wrote can be played back through it.
 */
export async function exportedClips(s: Services, videoId: number): Promise<ExportedClip[]> {
  const { clips } = await clipState(s.db.reader, videoId);
  if (!clips.length) return [];
  const jobs = await s.jobs.list({ kind: 'clips-export', videoId, states: ['succeeded'], limit: 100 });
  const out: ExportedClip[] = [];
  for (const c of clips) {
    for (const j of jobs) {
      const files = ((j.output as { files?: ExportedFile[] } | null)?.files ?? []).filter(
        (f) => f.clip !== null && f.startFrame === c.startFrame && f.endFrame === c.endFrame,
      );
      const found = await firstExisting(files);
      if (found) {
        out.push({ clipId: c.id, n: c.n, path: found.path, mode: found.mode });
        break;
      }
    }
  }
  return out;
}

async function firstExisting(files: ExportedFile[]): Promise<ExportedFile | null> {
  for (const f of files) if ((await stat(f.path).catch(() => null))?.isFile()) return f;
  return null;
}

/** The exported file of a clip (media target `clip/<id>`), or not_found. */
export async function clipMediaPath(s: Services, clipId: number): Promise<string> {
  const row = await clipTables(s.db.reader).selectFrom('clips').select(['video_id']).where('id', '=', clipId).executeTakeFirst();
  const file = row ? (await exportedClips(s, row.video_id)).find((e) => e.clipId === clipId) : undefined;
  if (!file) throw new FramewiseError('not_found', `Clip ${clipId} has no exported file`);
  return file.path;
}
