import type { Migration } from '../../db/migration.js';

/** Shipped: never edit; add a new migration instead. */
export const anonymizeExportsMigration: Migration = {
  version: 40,
  name: 'anonymization exports and their audit trail',
  up: `
      CREATE TABLE anonymize_exports (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        -- No foreign key: the audit trail outlives the video's removal from the library.
        video_id INTEGER NOT NULL,
        video_sha256 TEXT NOT NULL,
        job_id INTEGER,
        who TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('running','verified','rejected','failed','cancelled')),
        output_path TEXT NOT NULL,
        -- The unverified temp file while rendering; removed on any failure (also after a crash, see reap).
        temp_path TEXT,
        output_sha256 TEXT,
        output_size INTEGER,
        options_json TEXT NOT NULL,
        plan_json TEXT,
        verification_json TEXT,
        error_json TEXT,
        started_at TEXT NOT NULL,
        finished_at TEXT
      );
      CREATE INDEX anonymize_exports_video ON anonymize_exports(video_id, id);
    `,
};
