/**
 * Undo and redo of segment edits: an entry is reversed by removing the rows it inserted and re-inserting the rows
 * it removed (same ids), after checking nothing changed them since; the reversal is itself a history entry
 * (core/db/edit-history.ts).
 */
import type { ReviewChange } from '../review/types.js';
import type { Database } from '../db/schema.js';
import { reverseNext } from '../db/edit-history.js';
import { finish, type EditServices } from './edit-rows.js';
import { segmentTables, type HistoryRow } from './history.js';

async function undoRedo(s: EditServices, videoId: number, which: 'undo' | 'redo', expected?: number): Promise<ReviewChange> {
  const who = (await s.settings()).reviewerName;
  const row = await s.db.writer
    .transaction()
    .execute((trx) => reverseNext<Database, HistoryRow>(trx, segmentTables, { videoId, who, which, expected }));
  return finish(s, videoId, row);
}

/** Undo the latest change of the video's review session (an undo is itself a history entry). */
export const undo = (s: EditServices, videoId: number, expectedEntryId?: number) => undoRedo(s, videoId, 'undo', expectedEntryId);
export const redo = (s: EditServices, videoId: number, expectedEntryId?: number) => undoRedo(s, videoId, 'redo', expectedEntryId);
