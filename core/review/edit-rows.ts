/**
 * What every segment edit shares (edits.ts, undo-redo.ts): the segment tables as the shared edit history sees them
 * (core/db/edit-history.ts: write lock, active-row check, row inserts, history entries, undo/redo) and the change
 * published after a commit. Rules in edits.ts's header.
 */
import type { Insertable, Selectable, Transaction } from 'kysely';
import type { ReviewChange } from '../review/types.js';
import type { Database, SegmentsTable } from '../db/schema.js';
import * as history from '../db/edit-history.js';
import type { Services } from '../services.js';
import { getVideoSummary } from '../library/videos.js';
import { segmentTables, toHistoryEntry, undoState, type HistoryRow } from './history.js';
import { reviewProgress } from './progress.js';

export type Row = Selectable<SegmentsTable>;
export type NewRow = Omit<Insertable<SegmentsTable>, 'id'>;
export type Trx = Transaction<Database>;
export type EditServices = Pick<Services, 'db' | 'events' | 'settings'>;

export const lockForWrite = (trx: Trx): Promise<void> => history.lockForWrite(trx, segmentTables);

/** Load rows by id and make sure each is an active segment of the video (else: conflict). */
export const requireActive = (trx: Trx, videoId: number, ids: number[]): Promise<Row[]> =>
  history.requireActive<Database, Row>(trx, segmentTables, videoId, ids);

export async function finish(s: EditServices, videoId: number, row: HistoryRow | null): Promise<ReviewChange> {
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
