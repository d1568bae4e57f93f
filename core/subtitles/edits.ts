/**
 * Edits of a video's subtitle cues, following the review model (core/review/edits.ts):
 *  - cue rows are never changed in place; a change inserts successor rows (a deletion a tombstone);
 *  - a cue's id is its revision, so an edit naming an id that is no longer active was made on a stale view
 *    and is refused with a `conflict` error;
 *  - every change writes one append-only history entry in the same transaction; undo/redo reverse an entry
 *    by removing the rows it inserted and re-inserting the rows it removed (same ids). All of this is the
 *    edit history segments have too (core/db/edit-history.ts), over the cue tables.
 */
import type { Database } from '../db/schema.js';
import * as history from '../db/edit-history.js';
import type { UndoState } from '../util/undo-history.js';
import type { Services } from '../services.js';
import { FramewiseError } from '../util/errors.js';
import { subDb, type CueRow, type HistoryRow, type SubDb, type SubtitleTables, type SubTrx } from './tables.js';
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

/** Cues and their history, for the shared edit history: an edit changes one track; the undo session is the video's. */
const cueTables: history.RevisionTables = {
  rows: 'subtitle_cues',
  history: 'subtitle_history',
  scope: 'track_id',
  noun: 'Cue',
  scopeNoun: 'track',
  what: 'subtitles',
};

const toEntry = (r: HistoryRow): SubtitleHistoryEntry => ({ ...history.historyEntryOf<SubtitleOp, StoredCue>(r), trackId: r.track_id });

export const undoState = (db: SubDb | SubTrx, videoId: number): Promise<SubtitleUndoState> =>
  history.historyUndoState<Database & SubtitleTables, SubtitleOp>(db, cueTables, videoId);

export async function listHistory(db: SubDb, videoId: number, limit = 1000): Promise<SubtitleHistoryEntry[]> {
  return (await history.historyRows<Database & SubtitleTables, HistoryRow>(db, cueTables, videoId, limit)).map(toEntry);
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
      await history.lockForWrite(trx, cueTables);
      await getTrackRow(trx, videoId, trackId);
      const durationMs = await videoDurationMs(trx, videoId);
      const requireCues = (ids: number[]) => history.requireActive<Database & SubtitleTables, CueRow>(trx, cueTables, trackId, ids);
      const planned = await plan({ trx, who, durationMs, requireActive: requireCues });
      for (const r of planned.insert) if (!r.deleted) checkBounds(r.start_ms, r.end_ms, durationMs);
      const entry = { videoId, scopeId: trackId, who, op, before: planned.before, insert: planned.insert };
      return history.recordEdit<Database & SubtitleTables, CueRow, HistoryRow>(trx, cueTables, entry, toStoredCue);
    });
  return finish(s, videoId, trackId, row);
}

export function checkBounds(startMs: number, endMs: number, durationMs: number): void {
  if (!Number.isInteger(startMs) || !Number.isInteger(endMs) || startMs < 0 || endMs <= startMs)
    throw new FramewiseError('usage', `A cue must have 0 ≤ start < end in whole milliseconds, got [${startMs}, ${endMs})`);
  if (endMs > durationMs) throw new FramewiseError('usage', `A cue must end by the video's end (${durationMs} ms), got ${endMs} ms`);
}

async function undoRedo(s: EditServices, videoId: number, which: 'undo' | 'redo', expected?: number): Promise<SubtitleChange> {
  const who = (await s.settings()).reviewerName;
  const row = await subDb(s.db.writer)
    .transaction()
    .execute((trx) =>
      history.reverseNext<Database & SubtitleTables, HistoryRow>(trx, cueTables, {
        videoId,
        who,
        which,
        expected,
        // The track must still be there (not deleted) to change its cues.
        check: (target) => getTrackRow(trx, videoId, target.track_id),
      }),
    );
  return finish(s, videoId, row.track_id, row);
}

export const undoSubtitles = (s: EditServices, videoId: number, expectedEntryId?: number) => undoRedo(s, videoId, 'undo', expectedEntryId);
export const redoSubtitles = (s: EditServices, videoId: number, expectedEntryId?: number) => undoRedo(s, videoId, 'redo', expectedEntryId);
