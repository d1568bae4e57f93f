import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Segment } from '../segments/types.js';
import type { SegmentHistoryEntry, SegmentOp, ReviewUndoState } from '../review/types.js';
import type { Database, SegmentHistoryTable } from '../db/schema.js';
import { undoStateOf } from '../util/undo-history.js';

type Db = Kysely<Database> | Transaction<Database>;
export type HistoryRow = Selectable<SegmentHistoryTable>;

export function toHistoryEntry(r: HistoryRow): SegmentHistoryEntry {
  return {
    id: r.id,
    videoId: r.video_id,
    at: r.at,
    who: r.who,
    op: r.op as SegmentOp,
    before: JSON.parse(r.before_json) as Segment[],
    after: JSON.parse(r.after_json) as Segment[],
    undoOf: r.undo_of,
    redoOf: r.redo_of,
  };
}

export async function undoState(db: Db, videoId: number): Promise<ReviewUndoState> {
  const rows = await db
    .selectFrom('segment_history')
    .select(['id', 'undo_of', 'redo_of', 'op'])
    .where('video_id', '=', videoId)
    .orderBy('id')
    .execute();
  return undoStateOf<SegmentOp>(rows);
}

export async function listHistory(db: Db, videoId: number, limit = 1000): Promise<SegmentHistoryEntry[]> {
  const rows = await db
    .selectFrom('segment_history')
    .selectAll()
    .where('video_id', '=', videoId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.reverse().map(toHistoryEntry);
}
