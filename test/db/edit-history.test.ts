/**
 * The shared edit history (core/db/edit-history.ts) on tables of its own in a real SQLite file: notes on boards
 * (scope `board_id`, as subtitle cues are scoped by track), one undo session per video.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, type Generated, type Selectable } from 'kysely';
import {
  historyRows,
  historyUndoState,
  lockForWrite,
  recordEdit,
  requireActive,
  reverseNext,
  type RevisionTables,
} from '../../core/db/edit-history.js';
import type { EditHistoryTable } from '../../core/db/schema.js';
import { FramewiseError } from '../../core/util/errors.js';
import { tempDir } from '../helpers/library.js';

interface NotesTable {
  id: Generated<number>;
  board_id: number;
  text: string;
  supersedes_id: number | null;
  deleted: number;
  created_at: string;
  created_by: string | null;
}
type Tables = { notes: NotesTable; note_history: EditHistoryTable & { board_id: number } };
type Note = Selectable<NotesTable>;
type Entry = Selectable<Tables['note_history']>;

const notes: RevisionTables = {
  rows: 'notes',
  history: 'note_history',
  scope: 'board_id',
  noun: 'Note',
  scopeNoun: 'board',
  what: 'notes',
};
const VIDEO = 7;
const BOARD = 1;

function open(file: string): Kysely<Tables> {
  const raw = new Database(file);
  raw.exec(`
    CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY AUTOINCREMENT, board_id INTEGER NOT NULL, text TEXT NOT NULL,
      supersedes_id INTEGER, deleted INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL, created_by TEXT);
    CREATE TABLE IF NOT EXISTS note_history (id INTEGER PRIMARY KEY AUTOINCREMENT, video_id INTEGER NOT NULL, board_id INTEGER NOT NULL,
      at TEXT NOT NULL, who TEXT NOT NULL, op TEXT NOT NULL, before_json TEXT NOT NULL, after_json TEXT NOT NULL,
      inserted_json TEXT NOT NULL, removed_json TEXT NOT NULL, undo_of INTEGER, redo_of INTEGER);`);
  return new Kysely<Tables>({ dialect: new SqliteDialect({ database: raw }) });
}

const newNote = (text: string, who: string, supersedes: Note | null = null, deleted = 0) => ({
  board_id: BOARD,
  text,
  supersedes_id: supersedes?.id ?? null,
  deleted,
  created_at: new Date().toISOString(),
  created_by: who,
});

/** One edit: lock, let `plan` read the active rows it replaces, record the entry. */
function edit(
  db: Kysely<Tables>,
  op: string,
  who: string,
  plan: (active: (ids: number[]) => Promise<Note[]>) => Promise<{ before: Note[]; insert: object[] }>,
) {
  return db.transaction().execute(async (trx) => {
    await lockForWrite(trx, notes);
    const p = await plan((ids) => requireActive<Tables, Note>(trx, notes, BOARD, ids));
    return recordEdit<Tables, Note, Entry>(trx, notes, { videoId: VIDEO, scopeId: BOARD, who, op, ...p }, (r) => r.text);
  });
}

const undoRedo = (db: Kysely<Tables>, which: 'undo' | 'redo', expected?: number) =>
  db.transaction().execute((trx) => reverseNext<Tables, Entry>(trx, notes, { videoId: VIDEO, who: 'bob', which, expected }));

/** The board's active notes: not deleted and not superseded, as "id:text". */
async function active(db: Kysely<Tables>): Promise<string[]> {
  const rows = await db.selectFrom('notes').selectAll().where('board_id', '=', BOARD).orderBy('id').execute();
  return rows.filter((r) => !r.deleted && !rows.some((s) => s.supersedes_id === r.id)).map((r) => `${r.id}:${r.text}`);
}

async function rejects(p: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof FramewiseError && e.code === code && message.test(e.message));
}

test('edit history: undo restores the same rows, redo reapplies, a new edit drops the redo branch, conflicts change nothing', async () => {
  const t = tempDir();
  const db = open(path.join(t.dir, 'notes.sqlite'));
  try {
    const add = await edit(db, 'add', 'alice', async () => ({ before: [], insert: [newNote('a', 'alice')] }));
    assert.ok(add);
    assert.deepEqual(JSON.parse(add.after_json), ['a']);
    const [a] = await db.selectFrom('notes').selectAll().execute();
    const update = await edit(db, 'update', 'alice', async (req) => {
      const [r] = await req([a!.id]);
      return { before: [r!], insert: [newNote('a2', 'alice', r!)] };
    });
    const edited = await active(db);
    assert.equal(edited.length, 1);
    assert.match(edited[0]!, /:a2$/);
    // Nothing to insert: no entry.
    assert.equal(await edit(db, 'update', 'alice', async () => ({ before: [], insert: [] })), null);

    // A stale view (the old revision) is refused, naming who changed it; so is another board's note.
    await rejects(
      edit(db, 'update', 'carol', async (req) => ({ before: await req([a!.id]), insert: [] })),
      'conflict',
      /^Note \d+ was changed by alice at .* \(it is now note \d+\); your edit was not saved/,
    );
    await rejects(
      db.transaction().execute((trx) => requireActive(trx, notes, BOARD + 1, [Number(edited[0]!.split(':')[0])])),
      'conflict',
      /no longer exists on this board/,
    );

    // Undo: the update's row is gone and the original is active again, with its id.
    let st = await historyUndoState<Tables, string>(db, notes, VIDEO);
    assert.equal(st.undoEntryId, update!.id);
    assert.equal(st.undoOp, 'update');
    const undone = await undoRedo(db, 'undo', update!.id);
    assert.equal(undone.op, 'undo');
    assert.equal(undone.undo_of, update!.id);
    assert.equal(undone.board_id, BOARD);
    assert.deepEqual(JSON.parse(undone.before_json), ['a2']);
    assert.deepEqual(JSON.parse(undone.after_json), ['a']);
    assert.deepEqual(await active(db), [`${a!.id}:a`]);
    st = await historyUndoState<Tables, string>(db, notes, VIDEO);
    assert.deepEqual([st.undoEntryId, st.redoEntryId, st.redoOp], [add.id, undone.id, 'undo']);

    // Redo brings back the very row the update inserted.
    const redone = await undoRedo(db, 'redo');
    assert.equal(redone.redo_of, undone.id);
    assert.deepEqual(await active(db), edited);
    st = await historyUndoState<Tables, string>(db, notes, VIDEO);
    assert.deepEqual([st.undoEntryId, st.redoEntryId], [redone.id, null]);

    // Undo again, then a new edit (a deletion: a tombstone): the redo branch is dropped.
    await undoRedo(db, 'undo');
    const del = await edit(db, 'delete', 'alice', async (req) => {
      const [r] = await req([a!.id]);
      return { before: [r!], insert: [newNote(r!.text, 'alice', r!, 1)] };
    });
    assert.deepEqual(await active(db), []);
    st = await historyUndoState<Tables, string>(db, notes, VIDEO);
    assert.deepEqual([st.undoEntryId, st.redoEntryId], [del!.id, null]);
    await rejects(undoRedo(db, 'redo'), 'precondition', /Nothing to redo/);
    await rejects(
      edit(db, 'update', 'carol', async (req) => ({ before: await req([a!.id]), insert: [] })),
      'conflict',
      /was deleted by alice/,
    );

    // The undo order is the history's: undoing a stale entry is refused; then delete, then add are undone.
    await rejects(undoRedo(db, 'undo', add.id), 'conflict', /The notes of this video changed elsewhere since .*nothing was changed/);
    await undoRedo(db, 'undo');
    assert.deepEqual(await active(db), [`${a!.id}:a`]);
    await undoRedo(db, 'undo');
    assert.deepEqual(await active(db), []);
    await rejects(undoRedo(db, 'undo'), 'precondition', /Nothing to undo/);
    await undoRedo(db, 'redo');
    assert.deepEqual(await active(db), [`${a!.id}:a`]);

    // A row changed outside the history (another writer) blocks the undo that would remove it; nothing changes.
    await db
      .insertInto('notes')
      .values(newNote('elsewhere', 'dave', a!))
      .execute();
    const before = await active(db);
    const entries = (await historyRows(db, notes, VIDEO, 1000)).length;
    await rejects(undoRedo(db, 'undo'), 'conflict', /^Note \d+ was changed by dave/);
    assert.deepEqual(await active(db), before);
    assert.equal((await historyRows(db, notes, VIDEO, 1000)).length, entries);
    // The history lists every entry in order; the latest `limit` when asked for fewer.
    const all = await historyRows<Tables, Entry>(db, notes, VIDEO, 1000);
    assert.deepEqual(
      all.map((e) => e.op),
      ['add', 'update', 'undo', 'redo', 'undo', 'delete', 'undo', 'undo', 'redo'],
    );
    assert.deepEqual(
      (await historyRows<Tables, Entry>(db, notes, VIDEO, 2)).map((e) => e.id),
      all.slice(-2).map((e) => e.id),
    );
  } finally {
    await db.destroy();
    t.cleanup();
  }
});
