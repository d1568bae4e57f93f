import type { Migration } from '../../db/migration.js';

/** Shipped: never edit; add a new migration instead. */
export const convertPresetsMigration: Migration = {
  version: 70,
  name: 'conversion: saved presets',
  up: `
      -- A user's own conversion presets: a built-in preset plus options (JSON, validated at the edges).
      CREATE TABLE convert_presets (
        name TEXT PRIMARY KEY,
        preset_json TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
    `,
};
