/**
 * The table side of an append-only edit history over revisioned rows, shared by segment review (`segments` +
 * `segment_history`) and subtitle cues (`subtitle_cues` + `subtitle_history`). Each capability keeps its own tables
 * and migrations and names them in a `RevisionTables`; the rules are the same for both:
 *  - rows are never changed in place: an edit inserts successor rows that supersede (`supersedes_id`) the rows they
 *    replace, a deletion inserts a tombstone (`deleted = 1`); a row's id is its revision, so an edit naming an id that
 *    is no longer active was made on a stale view and is refused with a `conflict`;
 *  - every change writes one history entry (who, when, op, before, after, the rows it inserted and removed) in the
 *    same transaction, after taking the write lock first (so another process's change is seen);
 *  - undo/redo reverse an entry by removing the rows it inserted and re-inserting the rows it removed (same ids),
 *    after checking nothing changed them since; the reversal is itself an entry (`undo_of` / `redo_of`). Which entry
 *    is next comes from the stacks of core/util/undo-history.ts (also used by clips, whose rows work differently).
 */
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { FramewiseError } from '../util/errors.js';
import { undoStateOf, undoTarget, type HistoryLink, type UndoState } from '../util/undo-history.js';
import { nowIso } from './open.js';
import type { EditHistoryTable } from './schema.js';

/** The columns every revisioned row has (plus its scope column, e.g. `video_id` or `track_id`). */
export interface RevisionRow {
  id: number;
  supersedes_id: number | null;
  deleted: number;
  created_by: string | null;
  created_at: string;
}

/** A history entry as stored (plus its scope column when that is not `video_id`). */
export type HistoryRow = Selectable<EditHistoryTable>;

/** Where one capability keeps its rows and their history, and what its conflicts call them. */
export interface RevisionTables {
  /** The revisioned rows' table (e.g. `segments`). */
  rows: string;
  /** The append-only history table (e.g. `segment_history`); its entries have a `video_id` (the undo session). */
  history: string;
  /** The column an edit is confined to, in both tables: `video_id`, or `track_id` for one subtitle track. */
  scope: string;
  /** What a row and its scope are called in messages ("Segment", "video"). */
  noun: string;
  scopeNoun: string;
  /** The edited thing in an undo conflict ("review", "subtitles"). */
  what: string;
  /** Besides other edits, what else may remove a row ("a new prediction run"), named when a redo cannot reapply. */
  removedAlsoBy?: string;
}

/** The history entry of a plain edit (a new entry; what it replaced and what it inserted). */
export interface EditEntry<Row> {
  videoId: number;
  scopeId: number;
  who: string;
  op: string;
  before: Row[];
  /** The new rows (the capability's insertable rows, without ids). */
  insert: object[];
}

// The capability's typed database seen through its table names (which kysely cannot type for any capability).
type Table = Record<string, unknown>;
type Loose = Kysely<Record<string, Table>>;
const loose = <DB>(db: Kysely<DB>): Loose => db as unknown as Loose;

const conflict = (message: string, details?: Record<string, unknown>) => new FramewiseError('conflict', message, details);

/**
 * Take the database's write lock first thing in the transaction (a write that touches nothing), so the checks
 * after it read the latest state even when another process (the CLI, a second app) writes the same library.
 */
export async function lockForWrite<DB>(trx: Transaction<DB>, t: RevisionTables): Promise<void> {
  await sql`DELETE FROM ${sql.table(t.history)} WHERE 0`.execute(trx);
}

/** Load rows by id and make sure each is an active row of the scope (else: a conflict naming who changed it). */
export async function requireActive<DB, Row extends RevisionRow>(
  trx: Transaction<DB>,
  t: RevisionTables,
  scopeId: number,
  ids: number[],
): Promise<Row[]> {
  if (!ids.length) return [];
  const db = loose(trx);
  const rows = (await db.selectFrom(t.rows).selectAll().where('id', 'in', ids).execute()) as unknown as Row[];
  const byId = new Map(rows.map((r) => [r.id, r]));
  const superseding = (await db
    .selectFrom(t.rows)
    .select(['id', 'supersedes_id', 'created_by', 'created_at', 'deleted'])
    .where('supersedes_id', 'in', ids)
    .orderBy('id', 'desc')
    .execute()) as unknown as RevisionRow[];
  return ids.map((id) => {
    const r = byId.get(id);
    if (!r || (r as unknown as Table)[t.scope] !== scopeId)
      throw conflict(
        `${t.noun} ${id} no longer exists on this ${t.scopeNoun} (it was changed elsewhere, or undone). Reload and try again.`,
        {
          id,
        },
      );
    const by = superseding.find((s) => s.supersedes_id === id);
    if (by)
      throw conflict(
        `${t.noun} ${id} was ${by.deleted ? 'deleted' : 'changed'} by ${by.created_by ?? 'someone'} at ${by.created_at}` +
          `${by.deleted ? '' : ` (it is now ${t.noun.toLowerCase()} ${by.id})`}; your edit was not saved. Reload and try again.`,
        { id, supersededBy: by.id, who: by.created_by, at: by.created_at },
      );
    if (r.deleted) throw conflict(`${t.noun} ${id} is deleted; your edit was not saved.`, { id });
    return r;
  });
}

/** Insert rows (new ones, or removed ones again with their ids), 200 a statement. */
async function insertRows<DB, Row extends RevisionRow>(trx: Transaction<DB>, t: RevisionTables, rows: object[]): Promise<Row[]> {
  const out: Row[] = [];
  for (let i = 0; i < rows.length; i += 200) {
    const chunk = await loose(trx)
      .insertInto(t.rows)
      .values(rows.slice(i, i + 200) as unknown as Table[])
      .returningAll()
      .execute();
    out.push(...(chunk as unknown as Row[]));
  }
  return out;
}

/** Append one history entry; `before`/`after` are the plain items the history shows, as JSON. */
async function writeEntry<DB, H extends HistoryRow>(
  trx: Transaction<DB>,
  t: RevisionTables,
  e: {
    videoId: number;
    scopeId: number;
    who: string;
    op: string;
    beforeJson: string;
    afterJson: string;
    inserted: RevisionRow[];
    removed: RevisionRow[];
    undoOf?: number;
    redoOf?: number;
  },
): Promise<H> {
  const row = await loose(trx)
    .insertInto(t.history)
    .values({
      video_id: e.videoId,
      [t.scope]: e.scopeId,
      at: nowIso(),
      who: e.who,
      op: e.op,
      before_json: e.beforeJson,
      after_json: e.afterJson,
      inserted_json: JSON.stringify(e.inserted),
      removed_json: JSON.stringify(e.removed),
      undo_of: e.undoOf ?? null,
      redo_of: e.redoOf ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return row as unknown as H;
}

/**
 * Record a plain edit (after the caller took the lock and planned it): insert the new rows and append the entry,
 * whose before/after are `show` of the replaced rows and of the inserted rows that are not tombstones. Nothing to
 * insert: no entry (null).
 */
export async function recordEdit<DB, Row extends RevisionRow, H extends HistoryRow>(
  trx: Transaction<DB>,
  t: RevisionTables,
  e: EditEntry<Row>,
  show: (r: Row) => unknown,
): Promise<H | null> {
  if (!e.insert.length) return null;
  const inserted = await insertRows<DB, Row>(trx, t, e.insert);
  return writeEntry<DB, H>(trx, t, {
    videoId: e.videoId,
    scopeId: e.scopeId,
    who: e.who,
    op: e.op,
    beforeJson: JSON.stringify(e.before.map(show)),
    afterJson: JSON.stringify(inserted.filter((r) => !r.deleted).map(show)),
    inserted,
    removed: [],
  });
}

/**
 * Reverse a set of row changes: physically remove `remove` (rows a change inserted; each must still be active, a
 * tombstone still there and unchanged) and re-insert `restore` (rows a change removed, with their ids; what they
 * supersede must still be active but for what is removed here).
 */
async function reverse<DB>(
  trx: Transaction<DB>,
  t: RevisionTables,
  scopeId: number,
  remove: RevisionRow[],
  restore: RevisionRow[],
): Promise<void> {
  const db = loose(trx);
  const noun = t.noun.toLowerCase();
  await requireActive(
    trx,
    t,
    scopeId,
    remove.filter((r) => !r.deleted).map((r) => r.id),
  );
  const tombstones = remove.filter((r) => r.deleted).map((r) => r.id);
  if (tombstones.length) {
    const existing = await db.selectFrom(t.rows).select('id').where('id', 'in', tombstones).execute();
    const superseded = await db.selectFrom(t.rows).select('supersedes_id').where('supersedes_id', 'in', tombstones).execute();
    if (existing.length !== tombstones.length || superseded.length)
      throw conflict(`A deleted ${noun} was changed elsewhere since; this cannot be undone. Reload and try again.`);
  }
  if (restore.length) {
    const taken = (await db
      .selectFrom(t.rows)
      .select('id')
      .where(
        'id',
        'in',
        restore.map((r) => r.id),
      )
      .execute()) as Array<{ id: number }>;
    if (taken.length) throw conflict(`${t.noun} ${taken[0]!.id} already exists; reload and try again.`);
  }
  const targets = [...new Set(restore.map((r) => r.supersedes_id).filter((x): x is number => x !== null))];
  if (targets.length) {
    const removing = new Set(remove.map((r) => r.id));
    const rows = (await db.selectFrom(t.rows).selectAll().where('id', 'in', targets).execute()) as unknown as Array<RevisionRow & Table>;
    const by = (await db.selectFrom(t.rows).select(['id', 'supersedes_id']).where('supersedes_id', 'in', targets).execute()) as Array<
      Pick<RevisionRow, 'id' | 'supersedes_id'>
    >;
    for (const id of targets) {
      const row = rows.find((r) => r.id === id);
      if (!row || row[t.scope] !== scopeId || row.deleted || by.some((b) => b.supersedes_id === id && !removing.has(b.id)))
        throw conflict(
          `${t.noun} ${id} was changed elsewhere since${t.removedAlsoBy ? ` (or removed by ${t.removedAlsoBy})` : ''}; ` +
            'this change cannot be reapplied. Reload and try again.',
          { id },
        );
    }
  }
  if (remove.length)
    await db
      .deleteFrom(t.rows)
      .where(
        'id',
        'in',
        remove.map((r) => r.id),
      )
      .execute();
  await insertRows(
    trx,
    t,
    [...restore].sort((a, b) => a.id - b.id),
  );
}

/**
 * Undo (or redo) the next entry of the video's history: take the lock, find the entry (`expected`, when given,
 * must be it, else a conflict), let `check` refuse it (e.g. its track was deleted), reverse it and append the
 * reversal as an entry of the same scope. Returns that entry.
 */
export async function reverseNext<DB, H extends HistoryRow>(
  trx: Transaction<DB>,
  t: RevisionTables,
  a: { videoId: number; who: string; which: 'undo' | 'redo'; expected: number | undefined; check?: (target: H) => Promise<unknown> },
): Promise<H> {
  await lockForWrite(trx, t);
  const db = loose(trx);
  const links = (await db
    .selectFrom(t.history)
    .select(['id', 'undo_of', 'redo_of'])
    .where('video_id', '=', a.videoId)
    .orderBy('id')
    .execute()) as unknown as HistoryLink[];
  const targetId = undoTarget(links, a.which, a.expected, t.what);
  const target = (await db.selectFrom(t.history).selectAll().where('id', '=', targetId).executeTakeFirstOrThrow()) as unknown as H;
  await a.check?.(target);
  const scopeId = (target as unknown as Record<string, number>)[t.scope]!;
  const inserted = JSON.parse(target.inserted_json) as RevisionRow[];
  const removed = JSON.parse(target.removed_json) as RevisionRow[];
  await reverse(trx, t, scopeId, inserted, removed);
  return writeEntry<DB, H>(trx, t, {
    videoId: a.videoId,
    scopeId,
    who: a.who,
    op: a.which,
    beforeJson: target.after_json,
    afterJson: target.before_json,
    inserted: removed,
    removed: inserted,
    ...(a.which === 'undo' ? { undoOf: target.id } : { redoOf: target.id }),
  });
}

/** What the next undo and redo of the video's history would reverse. */
export async function historyUndoState<DB, Op extends string>(db: Kysely<DB>, t: RevisionTables, videoId: number): Promise<UndoState<Op>> {
  const rows = (await loose(db)
    .selectFrom(t.history)
    .select(['id', 'undo_of', 'redo_of', 'op'])
    .where('video_id', '=', videoId)
    .orderBy('id')
    .execute()) as unknown as Array<HistoryLink & { op: string }>;
  return undoStateOf<Op>(rows);
}

/** The video's latest `limit` history entries, oldest first. */
export async function historyRows<DB, H extends HistoryRow>(
  db: Kysely<DB>,
  t: RevisionTables,
  videoId: number,
  limit: number,
): Promise<H[]> {
  const rows = await loose(db)
    .selectFrom(t.history)
    .selectAll()
    .where('video_id', '=', videoId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return (rows as unknown as H[]).reverse();
}

/** The fields of a history entry every editor shows (`before`/`after` as the plain items it stored). */
export function historyEntryOf<Op extends string, Item>(r: HistoryRow) {
  const { id, video_id: videoId, at, who, undo_of: undoOf, redo_of: redoOf } = r;
  const [before, after] = [JSON.parse(r.before_json) as Item[], JSON.parse(r.after_json) as Item[]];
  return { id, videoId, at, who, op: r.op as Op, before, after, undoOf, redoOf };
}
