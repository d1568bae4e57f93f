/**
 * What every segment edit shares (edits.ts, undo-redo.ts): the write lock, the active-row check, row inserts, the
 * append-only history entry and the change published after a commit. Rules in edits.ts's header.
 */
import { sql, type Insertable, type Selectable, type Transaction } from 'kysely';
import type { ReviewChange, SegmentOp } from '../review/types.js';
import type { Segment } from '../segments/types.js';
import { nowIso } from '../db/open.js';
import type { Database, SegmentsTable } from '../db/schema.js';
import type { Services } from '../services.js';
import { FramewiseError } from '../util/errors.js';
import { getVideoSummary } from '../library/videos.js';
import { toHistoryEntry, undoState } from './history.js';
import { reviewProgress } from './progress.js';

export type Row = Selectable<SegmentsTable>;
export type NewRow = Omit<Insertable<SegmentsTable>, 'id'>;
export type Trx = Transaction<Database>;
export type EditServices = Pick<Services, 'db' | 'events' | 'settings'>;

/**
 * Take the database's write lock first thing in the transaction (a write that touches nothing), so the checks
 * below read the latest state even when another process (the CLI, a second app) writes the same library.
 */
export async function lockForWrite(trx: Trx): Promise<void> {
  await sql`DELETE FROM segment_history WHERE 0`.execute(trx);
}

/** Load rows by id and make sure each is an active segment of the video (else: conflict). */
export async function requireActive(trx: Trx, videoId: number, ids: number[]): Promise<Row[]> {
  if (!ids.length) return [];
  const rows = await trx.selectFrom('segments').selectAll().where('id', 'in', ids).execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const superseding = await trx
    .selectFrom('segments')
    .select(['id', 'supersedes_id', 'created_by', 'created_at', 'deleted'])
    .where('supersedes_id', 'in', ids)
    .orderBy('id', 'desc')
    .execute();
  return ids.map((id) => {
    const r = byId.get(id);
    if (!r || r.video_id !== videoId)
      throw new FramewiseError(
        'conflict',
        `Segment ${id} no longer exists on this video (it was changed elsewhere, or undone). Reload and try again.`,
        {
          id,
        },
      );
    const by = superseding.find((s) => s.supersedes_id === id);
    if (by)
      throw new FramewiseError(
        'conflict',
        `Segment ${id} was ${by.deleted ? 'deleted' : 'changed'} by ${by.created_by ?? 'someone'} at ${by.created_at}` +
          `${by.deleted ? '' : ` (it is now segment ${by.id})`}; your edit was not saved. Reload and try again.`,
        { id, supersededBy: by.id, who: by.created_by, at: by.created_at },
      );
    if (r.deleted) throw new FramewiseError('conflict', `Segment ${id} is deleted; your edit was not saved.`, { id });
    return r;
  });
}
export async function insertRows(trx: Trx, rows: Array<NewRow | Row>): Promise<Row[]> {
  const out: Row[] = [];
  for (let i = 0; i < rows.length; i += 200) {
    const chunk = await trx
      .insertInto('segments')
      .values(rows.slice(i, i + 200) as NewRow[])
      .returningAll()
      .execute();
    out.push(...chunk);
  }
  return out;
}

export async function writeEntry(
  trx: Trx,
  e: {
    videoId: number;
    who: string;
    op: SegmentOp;
    before: Segment[];
    after: Segment[];
    inserted: Row[];
    removed: Row[];
    undoOf?: number;
    redoOf?: number;
  },
) {
  return trx
    .insertInto('segment_history')
    .values({
      video_id: e.videoId,
      at: nowIso(),
      who: e.who,
      op: e.op,
      before_json: JSON.stringify(e.before),
      after_json: JSON.stringify(e.after),
      inserted_json: JSON.stringify(e.inserted),
      removed_json: JSON.stringify(e.removed),
      undo_of: e.undoOf ?? null,
      redo_of: e.redoOf ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function finish(s: EditServices, videoId: number, row: Parameters<typeof toHistoryEntry>[0] | null): Promise<ReviewChange> {
  const entry = row ? toHistoryEntry(row) : null;
  if (entry) {
    s.events.emit({ type: 'segments.changed', videoId, entry });
    s.events.emit({ type: 'data.changed', videoId, topic: 'segments' });
    // The library shows review progress: publish the video's new summary.
    s.events.emit({ type: 'video.changed', video: await getVideoSummary(s.db.writer, videoId) });
  }
  const [state, progress] = await Promise.all([undoState(s.db.writer, videoId), reviewProgress(s.db.writer, videoId)]);
  return { entry, progress, ...state };
}
