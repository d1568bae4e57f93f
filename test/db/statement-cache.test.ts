/**
 * Kysely over the statement cache (core/db/statement-cache.ts) on a real SQLite file: a cached statement gives the
 * same results as a fresh one, sees a schema changed after it was compiled, survives an abandoned stream, and
 * the cache keeps at most 256 texts.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { withStatementCache } from '../../core/db/statement-cache.js';
import { tempDir } from '../helpers/library.js';

interface Schema {
  items: { id: number; name: string; size?: number | null };
}

function open() {
  const dir = tempDir('framewise-stmt-cache-');
  const raw = new Database(path.join(dir.dir, 'lib.sqlite'));
  let prepared = 0;
  const counting = new Proxy(raw, {
    get(target, prop, receiver) {
      if (prop === 'prepare') {
        return (text: string) => {
          prepared++;
          return target.prepare(text);
        };
      }
      const v: unknown = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: withStatementCache(counting) }) });
  return {
    db,
    prepared: () => prepared,
    async close() {
      await db.destroy();
      dir.cleanup();
    },
  };
}

/** The `items` table with rows 1…n named n1…nn. */
async function addItems(db: Kysely<Schema>, n: number): Promise<void> {
  await sql`create table items (id integer primary key, name text not null)`.execute(db);
  for (let i = 1; i <= n; i++)
    await db
      .insertInto('items')
      .values({ id: i, name: `n${i}` })
      .execute();
}

test('statement cache: one compile per SQL text, right rows every time, a later schema change is seen', async () => {
  const t = open();
  try {
    await addItems(t.db, 5);
    const before = t.prepared();
    for (let i = 1; i <= 5; i++) {
      const row = await t.db.selectFrom('items').selectAll().where('id', '=', i).executeTakeFirstOrThrow();
      assert.deepEqual(row, { id: i, name: `n${i}` });
    }
    assert.equal(t.prepared() - before, 1, 'the same select, five parameters: compiled once');
    // A migration adds a column: the cached `select *` returns it (SQLite recompiles the statement itself).
    await sql`alter table items add column size integer`.execute(t.db);
    await t.db.updateTable('items').set({ size: 7 }).where('id', '=', 2).execute();
    const row = await t.db.selectFrom('items').selectAll().where('id', '=', 2).executeTakeFirstOrThrow();
    assert.deepEqual(row, { id: 2, name: 'n2', size: 7 });
  } finally {
    await t.close();
  }
});

test('statement cache: a stream left early does not leave its statement busy', async () => {
  const t = open();
  try {
    await addItems(t.db, 20);
    const q = () => t.db.selectFrom('items').select('id').orderBy('id');
    for await (const r of q().stream()) if (r.id === 3) break;
    assert.equal((await q().execute()).length, 20);
  } finally {
    await t.close();
  }
});

test('statement cache: keeps at most 256 SQL texts, least recently used first out', async () => {
  const t = open();
  try {
    await addItems(t.db, 0);
    const select = (n: number) =>
      t.db
        .selectFrom('items')
        .select(sql<number>`${sql.lit(n)}`.as('k'))
        .execute();
    for (let n = 0; n < 300; n++) await select(n);
    const afterFill = t.prepared();
    await select(299); // still cached
    assert.equal(t.prepared(), afterFill);
    await select(0); // evicted long ago
    assert.equal(t.prepared(), afterFill + 1);
  } finally {
    await t.close();
  }
});
