import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Segment } from '../segments/types.js';
import type { SegmentHistoryEntry, SegmentOp, ReviewUndoState } from '../review/types.js';
import type { Database, SegmentHistoryTable } from '../db/schema.js';
import { historyEntryOf, historyRows, historyUndoState, type RevisionTables } from '../db/edit-history.js';

type Db = Kysely<Database> | Transaction<Database>;
export type HistoryRow = Selectable<SegmentHistoryTable>;

/** Segments and their history, for the shared edit history: a segment belongs to a video, and so does the undo session. */
export const segmentTables: RevisionTables = {
  rows: 'segments',
  history: 'segment_history',
  scope: 'video_id',
  noun: 'Segment',
  scopeNoun: 'video',
  what: 'review',
  removedAlsoBy: 'a new prediction run',
};

export const toHistoryEntry = (r: HistoryRow): SegmentHistoryEntry => historyEntryOf<SegmentOp, Segment>(r);

export const undoState = (db: Db, videoId: number): Promise<ReviewUndoState> =>
  historyUndoState<Database, SegmentOp>(db, segmentTables, videoId);

export const listHistory = async (db: Db, videoId: number, limit = 1000): Promise<SegmentHistoryEntry[]> =>
  (await historyRows<Database, HistoryRow>(db, segmentTables, videoId, limit)).map(toHistoryEntry);
