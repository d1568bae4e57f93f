/**
 * Edits of a video's subtitle cues, following the review model (core/review/edits.ts):
 *  - cue rows are never changed in place; a change inserts successor rows (a deletion a tombstone);
 *  - a cue's id is its revision, so an edit naming an id that is no longer active was made on a stale view
 *    and is refused with a `conflict` error;
 *  - every change writes one append-only history entry in the same transaction; undo/redo reverse an entry
 *    by removing the rows it inserted and re-inserting the rows it removed (same ids). The undo/redo stacks
 *    are derived from the history exactly as for segments (core/util/undo-history.ts).
 */
import { sql } from 'kysely';
import { nowIso } from '../db/open.js';
import { undoStateOf, undoTarget, type UndoState } from '../util/undo-history.js';
import type { Services } from '../services.js';
import { FramewiseError } from '../util/errors.js';
import { subDb, type CueRow, type HistoryRow, type SubDb, type SubTrx } from './tables.js';
import { activeCueRows, getTrackRow, toStoredCue, type NewCueRow } from './store.js';
import type { StoredCue } from './types.js';

type EditServices = Pick<Services, 'db' | 'events' | 'settings'>;

export type SubtitleOp =
  'add' | 'update' | 'split' | 'merge' | 'delete' | 'shift' | 'stretch' | 'snap' | 'enforce' | 'fromSpeech' | 'undo' | 'redo';

export interface SubtitleHistoryEntry {
  id: number;
  videoId: number;
  trackId: number;
  at: string;
  who: string;
  op: SubtitleOp;
  before: StoredCue[];
  after: StoredCue[];
  undoOf: number | null;
  redoOf: number | null;
}

export type SubtitleUndoState = UndoState<SubtitleOp>;

export interface SubtitleChange extends SubtitleUndoState {
  entry: SubtitleHistoryEntry | null;
  /** The changed track's active cues after the change. */
  cues: StoredCue[];
}

export interface Planned {
  before: CueRow[];
  insert: NewCueRow[];
}

export interface PlanContext {
  trx: SubTrx;
  who: string;
  durationMs: number;
  /** Active rows by id; refuses (conflict) ids that are not active cues of this track. */
  requireActive(ids: number[]): Promise<CueRow[]>;
}

function toEntry(r: HistoryRow): SubtitleHistoryEntry {
  return {
    id: r.id,
    videoId: r.video_id,
    trackId: r.track_id,
    at: r.at,
    who: r.who,
    op: r.op as SubtitleOp,
    before: JSON.parse(r.before_json) as StoredCue[],
    after: JSON.parse(r.after_json) as StoredCue[],
    undoOf: r.undo_of,
    redoOf: r.redo_of,
  };
}

/** Take the write lock first, so checks read the latest state even with another process writing. */
async function lockForWrite(trx: SubTrx): Promise<void> {
  await sql`DELETE FROM subtitle_history WHERE 0`.execute(trx);
}

async function requireActive(trx: SubTrx, trackId: number, ids: number[]): Promise<CueRow[]> {
  if (!ids.length) return [];
  const rows = await trx.selectFrom('subtitle_cues').selectAll().where('id', 'in', ids).execute();
  const by = await trx
    .selectFrom('subtitle_cues')
    .select(['id', 'supersedes_id', 'deleted', 'created_by', 'created_at'])
    .where('supersedes_id', 'in', ids)
    .execute();
  return ids.map((id) => {
    const r = rows.find((x) => x.id === id);
    if (!r || r.track_id !== trackId)
      throw new FramewiseError(
        'conflict',
        `Cue ${id} no longer exists on this track (changed elsewhere, or undone). Reload and try again.`,
        { id },
      );
    const s = by.find((x) => x.supersedes_id === id);
    if (s)
      throw new FramewiseError(
        'conflict',
        `Cue ${id} was ${s.deleted ? 'deleted' : 'changed'} by ${s.created_by ?? 'someone'} at ${s.created_at}; your edit was not saved. Reload and try again.`,
        { id, supersededBy: s.id },
      );
    if (r.deleted) throw new FramewiseError('conflict', `Cue ${id} is deleted; your edit was not saved.`, { id });
    return r;
  });
}

async function insertRows(trx: SubTrx, rows: Array<NewCueRow | CueRow>): Promise<CueRow[]> {
  const out: CueRow[] = [];
  for (let i = 0; i < rows.length; i += 200)
    out.push(
      ...(await trx
        .insertInto('subtitle_cues')
        .values(rows.slice(i, i + 200))
        .returningAll()
        .execute()),
    );
  return out;
}

async function writeEntry(
  trx: SubTrx,
  e: {
    videoId: number;
    trackId: number;
    who: string;
    op: SubtitleOp;
    before: StoredCue[];
    after: StoredCue[];
    inserted: CueRow[];
    removed: CueRow[];
    undoOf?: number;
    redoOf?: number;
  },
): Promise<HistoryRow> {
  return trx
    .insertInto('subtitle_history')
    .values({
      video_id: e.videoId,
      track_id: e.trackId,
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

export async function undoState(db: SubDb | SubTrx, videoId: number): Promise<SubtitleUndoState> {
  const rows = await db
    .selectFrom('subtitle_history')
    .select(['id', 'undo_of', 'redo_of', 'op'])
    .where('video_id', '=', videoId)
    .orderBy('id')
    .execute();
  return undoStateOf<SubtitleOp>(rows);
}

export async function listHistory(db: SubDb, videoId: number, limit = 1000): Promise<SubtitleHistoryEntry[]> {
  const rows = await db
    .selectFrom('subtitle_history')
    .selectAll()
    .where('video_id', '=', videoId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.reverse().map(toEntry);
}

async function finish(s: EditServices, videoId: number, trackId: number, row: HistoryRow | null): Promise<SubtitleChange> {
  const db = subDb(s.db.writer);
  const entry = row ? toEntry(row) : null;
  if (entry) s.events.emit({ type: 'data.changed', videoId, topic: 'subtitles' });
  const [state, cues] = await Promise.all([undoState(db, videoId), activeCueRows(db, trackId)]);
  return { entry, cues: cues.map(toStoredCue), ...state };
}

async function videoDurationMs(trx: SubTrx, videoId: number): Promise<number> {
  const v = await trx.selectFrom('videos').select('duration').where('id', '=', videoId).executeTakeFirstOrThrow();
  return Math.round(v.duration * 1000);
}

/** Run one edit of one track: plan against the current rows, insert, record the history entry, publish. */
export async function editTrack(
  s: EditServices,
  videoId: number,
  trackId: number,
  op: SubtitleOp,
  plan: (ctx: PlanContext) => Promise<Planned>,
): Promise<SubtitleChange> {
  const who = (await s.settings()).reviewerName;
  const row = await subDb(s.db.writer)
    .transaction()
    .execute(async (trx) => {
      await lockForWrite(trx);
      await getTrackRow(trx, videoId, trackId);
      const durationMs = await videoDurationMs(trx, videoId);
      const planned = await plan({ trx, who, durationMs, requireActive: (ids) => requireActive(trx, trackId, ids) });
      if (!planned.insert.length) return null;
      for (const r of planned.insert) if (!r.deleted) checkBounds(r.start_ms, r.end_ms, durationMs);
      const inserted = await insertRows(trx, planned.insert);
      return writeEntry(trx, {
        videoId,
        trackId,
        who,
        op,
        before: planned.before.map(toStoredCue),
        after: inserted.filter((r) => !r.deleted).map(toStoredCue),
        inserted,
        removed: [],
      });
    });
  return finish(s, videoId, trackId, row);
}

export function checkBounds(startMs: number, endMs: number, durationMs: number): void {
  if (!Number.isInteger(startMs) || !Number.isInteger(endMs) || startMs < 0 || endMs <= startMs)
    throw new FramewiseError('usage', `A cue must have 0 ≤ start < end in whole milliseconds, got [${startMs}, ${endMs})`);
  if (endMs > durationMs) throw new FramewiseError('usage', `A cue must end by the video's end (${durationMs} ms), got ${endMs} ms`);
}

/** Remove rows a change inserted (each must still be active) and re-insert rows it removed (same ids). */
async function reverse(trx: SubTrx, trackId: number, remove: CueRow[], restore: CueRow[]): Promise<void> {
  await requireActive(
    trx,
    trackId,
    remove.filter((r) => !r.deleted).map((r) => r.id),
  );
  const ids = remove.map((r) => r.id);
  if (ids.length) {
    const superseded = await trx.selectFrom('subtitle_cues').select('id').where('supersedes_id', 'in', ids).execute();
    if (superseded.length)
      throw new FramewiseError('conflict', 'A cue of this change was changed again since; undo that first. Reload and try again.');
    await trx.deleteFrom('subtitle_cues').where('id', 'in', ids).execute();
  }
  if (restore.length) {
    const taken = await trx
      .selectFrom('subtitle_cues')
      .select('id')
      .where(
        'id',
        'in',
        restore.map((r) => r.id),
      )
      .execute();
    if (taken.length) throw new FramewiseError('conflict', `Cue ${taken[0]!.id} already exists; reload and try again.`);
    const targets = [...new Set(restore.map((r) => r.supersedes_id).filter((x): x is number => x !== null))];
    if (targets.length) await requireActive(trx, trackId, targets);
    await insertRows(
      trx,
      [...restore].sort((a, b) => a.id - b.id),
    );
  }
}

async function undoRedo(s: EditServices, videoId: number, which: 'undo' | 'redo', expectedEntryId?: number): Promise<SubtitleChange> {
  const who = (await s.settings()).reviewerName;
  const row = await subDb(s.db.writer)
    .transaction()
    .execute(async (trx) => {
      await lockForWrite(trx);
      const rows = await trx
        .selectFrom('subtitle_history')
        .select(['id', 'undo_of', 'redo_of'])
        .where('video_id', '=', videoId)
        .orderBy('id')
        .execute();
      const targetId = undoTarget(rows, which, expectedEntryId, 'subtitles');
      const target = await trx.selectFrom('subtitle_history').selectAll().where('id', '=', targetId).executeTakeFirstOrThrow();
      await getTrackRow(trx, videoId, target.track_id);
      const inserted = JSON.parse(target.inserted_json) as CueRow[];
      const removed = JSON.parse(target.removed_json) as CueRow[];
      await reverse(trx, target.track_id, inserted, removed);
      return writeEntry(trx, {
        videoId,
        trackId: target.track_id,
        who,
        op: which,
        before: JSON.parse(target.after_json) as StoredCue[],
        after: JSON.parse(target.before_json) as StoredCue[],
        inserted: removed,
        removed: inserted,
        ...(which === 'undo' ? { undoOf: target.id } : { redoOf: target.id }),
      });
    });
  return finish(s, videoId, row.track_id, row);
}

export const undoSubtitles = (s: EditServices, videoId: number, expectedEntryId?: number) => undoRedo(s, videoId, 'undo', expectedEntryId);
export const redoSubtitles = (s: EditServices, videoId: number, expectedEntryId?: number) => undoRedo(s, videoId, 'redo', expectedEntryId);
