import type { Migration } from '../../db/migration.js';

/**
 * More patient text sealed with the library key (core/db/sealed-text.ts, SEALED_COLUMNS): subtitle cue texts
 * and their edit history, export output paths, plans, verification reports and render command lines, and the
 * export folders the dialog remembers (users name them after the patient). Settings stay readable before the
 * key is loaded (the ffmpeg path is read at open), so the remembered folders move to a table of their own whose
 * values are sealed. SQL cannot encrypt: `sealing_pending_2` marks the plain rows an older Framewise wrote, and
 * the first open with the key seals them (`sealPlainRows`). Not `sealing_pending` itself: in a new library
 * migration 54, which creates that table, runs after this one.
 */
export const sealedExportsSubtitlesFoldersMigration: Migration = {
  version: 42,
  name: 'sealed subtitle texts, export paths and remembered export folders',
  up: `
      CREATE TABLE sealed_settings (
        key TEXT PRIMARY KEY,
        value_json TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      INSERT INTO sealed_settings (key, value_json, updated_at)
        SELECT key, value_json, updated_at FROM settings WHERE key IN ('exportDefaultFolder', 'exportRecentFolders');
      DELETE FROM settings WHERE key IN ('exportDefaultFolder', 'exportRecentFolders');
      CREATE TABLE sealing_pending_2 (what TEXT PRIMARY KEY);
      INSERT INTO sealing_pending_2 (what) VALUES ('subtitle texts, export paths and reports, export folders');
    `,
};
