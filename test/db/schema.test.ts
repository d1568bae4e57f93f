import assert from 'node:assert/strict';
import { test } from 'node:test';
import { schemaColumns } from '../../core/db/schema-columns.js';
import { openLibraryDb } from '../../core/library-db.js';
import { tempDir } from '../helpers/library.js';

test('the row types of schema.ts match the tables the migrations create, column for column', async () => {
  const t = tempDir();
  try {
    const db = openLibraryDb(t.dir);
    try {
      for (const [table, columns] of Object.entries(schemaColumns)) {
        const actual = (db.raw.prepare('SELECT name FROM pragma_table_info(?)').all(table) as Array<{ name: string }>).map((r) => r.name);
        assert.ok(actual.length > 0, `table ${table} exists`);
        assert.deepEqual([...actual].sort(), Object.keys(columns).sort(), `columns of ${table}`);
      }
    } finally {
      await db.close();
    }
  } finally {
    t.cleanup();
  }
});
