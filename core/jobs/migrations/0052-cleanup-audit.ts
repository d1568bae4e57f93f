import type { Migration } from '../../db/migration.js';

/** What a process start removed after a crash (core/jobs/reaper.ts): ids and internal folder names only. */
export const cleanupAuditMigration: Migration = {
  version: 52,
  name: 'cleanup audit',
  up: `
      CREATE TABLE cleanup_audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        process TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('job','partial_output','tmp_folder')),
        detail_json TEXT NOT NULL
      );
    `,
};
