import type { Migration } from '../../db/migration.js';

/** Shipped: never edit; add a new migration instead. */
export const segmentHistoryMigration: Migration = {
  version: 50,
  name: 'review: append-only segment history (audit trail, undo/redo)',
  up: `
      -- One row per change a reviewer made to a video's segments; never updated (trigger below).
      -- before_json / after_json: the active segments the change replaced / produced (the audit trail).
      -- inserted_json / removed_json: the raw segment rows this change inserted / physically removed; undoing a
      --   change removes its inserted rows and re-inserts its removed rows (same ids), recorded as a new row with
      --   undo_of = the undone entry (redo likewise with redo_of = the undo entry it reverses).
      CREATE TABLE segment_history (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
        at TEXT NOT NULL,
        who TEXT NOT NULL,
        op TEXT NOT NULL,
        before_json TEXT NOT NULL,
        after_json TEXT NOT NULL,
        inserted_json TEXT NOT NULL,
        removed_json TEXT NOT NULL,
        undo_of INTEGER,
        redo_of INTEGER
      );
      CREATE INDEX segment_history_video ON segment_history(video_id, id);
      CREATE TRIGGER segment_history_append_only BEFORE UPDATE ON segment_history
      BEGIN
        SELECT RAISE(ABORT, 'segment_history is append-only');
      END;
    `,
};
