import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Segment } from '../segments/types.js';
import type { SegmentHistoryEntry, SegmentOp, ReviewUndoState } from '../review/types.js';
import type { Database, SegmentHistoryTable } from '../db/schema.js';

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

/**
 * The undo and redo stacks of a video's review session, derived from the append-only history: an ordinary
 * change is pushed on the undo stack (and clears the redo stack); an undo entry pops the entry it undid and
 * pushes itself on the redo stack; a redo entry pops that undo entry and pushes itself on the undo stack.
 */
export function stacks(entries: Array<Pick<HistoryRow, 'id' | 'undo_of' | 'redo_of'>>): { undo: number[]; redo: number[] } {
  const undo: number[] = [];
  let redo: number[] = [];
  for (const e of entries) {
    if (e.undo_of !== null) {
      const i = undo.lastIndexOf(e.undo_of);
      if (i >= 0) undo.splice(i, 1);
      redo.push(e.id);
    } else if (e.redo_of !== null) {
      const i = redo.lastIndexOf(e.redo_of);
      if (i >= 0) redo.splice(i, 1);
      undo.push(e.id);
    } else {
      undo.push(e.id);
      redo = [];
    }
  }
  return { undo, redo };
}

export async function undoState(db: Db, videoId: number): Promise<ReviewUndoState> {
  const rows = await db
    .selectFrom('segment_history')
    .select(['id', 'undo_of', 'redo_of', 'op'])
    .where('video_id', '=', videoId)
    .orderBy('id')
    .execute();
  const { undo, redo } = stacks(rows);
  const opOf = new Map(rows.map((r) => [r.id, r.op as SegmentOp]));
  const u = undo[undo.length - 1] ?? null;
  const r = redo[redo.length - 1] ?? null;
  return {
    undoEntryId: u,
    undoOp: u === null ? null : (opOf.get(u) ?? null),
    redoEntryId: r,
    redoOp: r === null ? null : (opOf.get(r) ?? null),
    lastEntryId: rows[rows.length - 1]?.id ?? null,
  };
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
