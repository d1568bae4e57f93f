/**
 * Undo and redo of segment edits: an entry is reversed by removing the rows it inserted and re-inserting the rows
 * it removed (same ids), after checking nothing changed them since; the reversal is itself a history entry.
 */
import type { ReviewChange } from '../review/types.js';
import type { Segment } from '../segments/types.js';
import { FramewiseError } from '../util/errors.js';
import { undoTarget } from '../util/undo-history.js';
import { finish, insertRows, lockForWrite, requireActive, writeEntry, type EditServices, type Row, type Trx } from './edit-rows.js';

/**
 * Reverse a set of row changes: physically remove `remove` (rows a change inserted; each must still be active)
 * and re-insert `restore` (rows a change removed, with their ids; what they supersede must still be active).
 */
async function reverse(trx: Trx, videoId: number, remove: Row[], restore: Row[]): Promise<void> {
  await requireActive(
    trx,
    videoId,
    remove.filter((r) => !r.deleted).map((r) => r.id),
  );
  const tombstones = remove.filter((r) => r.deleted);
  if (tombstones.length) {
    const existing = await trx
      .selectFrom('segments')
      .select('id')
      .where(
        'id',
        'in',
        tombstones.map((r) => r.id),
      )
      .execute();
    const superseded = await trx
      .selectFrom('segments')
      .select('supersedes_id')
      .where(
        'supersedes_id',
        'in',
        tombstones.map((r) => r.id),
      )
      .execute();
    if (existing.length !== tombstones.length || superseded.length)
      throw new FramewiseError('conflict', 'A deleted segment was changed elsewhere since; this cannot be undone. Reload and try again.');
  }
  const targets = [...new Set(restore.map((r) => r.supersedes_id).filter((x): x is number => x !== null))];
  const removing = new Set(remove.map((r) => r.id));
  if (restore.length) {
    const taken = await trx
      .selectFrom('segments')
      .select('id')
      .where(
        'id',
        'in',
        restore.map((r) => r.id),
      )
      .execute();
    if (taken.length) throw new FramewiseError('conflict', `Segment ${taken[0]!.id} already exists; reload and try again.`);
  }
  if (targets.length) {
    const rows = await trx.selectFrom('segments').select(['id', 'deleted']).where('id', 'in', targets).execute();
    const by = await trx.selectFrom('segments').select(['id', 'supersedes_id']).where('supersedes_id', 'in', targets).execute();
    for (const t of targets) {
      const row = rows.find((r) => r.id === t);
      if (!row || row.deleted || by.some((b) => b.supersedes_id === t && !removing.has(b.id)))
        throw new FramewiseError(
          'conflict',
          `Segment ${t} was changed elsewhere since (or removed by a new prediction run); this change cannot be reapplied. Reload and try again.`,
          { id: t },
        );
    }
  }
  if (remove.length)
    await trx
      .deleteFrom('segments')
      .where(
        'id',
        'in',
        remove.map((r) => r.id),
      )
      .execute();
  await insertRows(
    trx,
    [...restore].sort((a, b) => a.id - b.id),
  );
}

async function undoRedo(s: EditServices, videoId: number, which: 'undo' | 'redo', expectedEntryId?: number): Promise<ReviewChange> {
  const who = (await s.settings()).reviewerName;
  const row = await s.db.writer.transaction().execute(async (trx) => {
    await lockForWrite(trx);
    const rows = await trx
      .selectFrom('segment_history')
      .select(['id', 'undo_of', 'redo_of'])
      .where('video_id', '=', videoId)
      .orderBy('id')
      .execute();
    const targetId = undoTarget(rows, which, expectedEntryId, 'review');
    const target = await trx.selectFrom('segment_history').selectAll().where('id', '=', targetId).executeTakeFirstOrThrow();
    const inserted = JSON.parse(target.inserted_json) as Row[];
    const removed = JSON.parse(target.removed_json) as Row[];
    await reverse(trx, videoId, inserted, removed);
    return writeEntry(trx, {
      videoId,
      who,
      op: which,
      before: JSON.parse(target.after_json) as Segment[],
      after: JSON.parse(target.before_json) as Segment[],
      inserted: removed,
      removed: inserted,
      ...(which === 'undo' ? { undoOf: target.id } : { redoOf: target.id }),
    });
  });
  return finish(s, videoId, row);
}

/** Undo the latest change of the video's review session (an undo is itself a history entry). */
export const undo = (s: EditServices, videoId: number, expectedEntryId?: number) => undoRedo(s, videoId, 'undo', expectedEntryId);
export const redo = (s: EditServices, videoId: number, expectedEntryId?: number) => undoRedo(s, videoId, 'redo', expectedEntryId);
