import type { Migration } from '../../db/migration.js';

/**
 * The model store also holds embedding models (task "embedding", used by similar clips). SQLite cannot change
 * a CHECK constraint in place, so the table is rebuilt with the same columns and rows (nothing references it).
 */
export const embeddingModelsMigration: Migration = {
  version: 21,
  name: 'models: task embedding',
  up: `
      CREATE TABLE models_new (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL UNIQUE,
        version TEXT NOT NULL,
        task TEXT NOT NULL CHECK (task IN ('multilabel','multiclass','embedding')),
        labels_json TEXT NOT NULL,
        manifest_json TEXT NOT NULL,
        file TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL,
        builtin INTEGER NOT NULL DEFAULT 0,
        is_default INTEGER NOT NULL DEFAULT 0,
        added_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      INSERT INTO models_new SELECT id, name, version, task, labels_json, manifest_json, file, sha256, size, builtin, is_default, added_at, updated_at FROM models;
      DROP TABLE models;
      ALTER TABLE models_new RENAME TO models;
  `,
};
