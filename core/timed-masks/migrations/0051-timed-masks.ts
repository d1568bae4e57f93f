import type { Migration } from '../../db/migration.js';

export const timedMaskMigrations: Migration[] = [
  {
    version: 51,
    name: 'time-ranged masks and text scans',
    up: `
      CREATE TABLE anonymize_timed_masks (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
        start_frame INTEGER NOT NULL CHECK (start_frame >= 0),
        end_frame INTEGER NOT NULL,
        x INTEGER NOT NULL CHECK (x >= 0),
        y INTEGER NOT NULL CHECK (y >= 0),
        width INTEGER NOT NULL CHECK (width > 0),
        height INTEGER NOT NULL CHECK (height > 0),
        source TEXT NOT NULL CHECK (source IN ('scan','verify','manual')),
        created_at TEXT NOT NULL,
        CHECK (end_frame > start_frame)
      );
      CREATE INDEX anonymize_timed_masks_video ON anonymize_timed_masks(video_id, start_frame);
      CREATE TABLE anonymize_text_scans (
        video_id INTEGER PRIMARY KEY REFERENCES videos(id) ON DELETE CASCADE,
        region_json TEXT,
        step INTEGER NOT NULL,
        samples INTEGER NOT NULL,
        frames_read INTEGER NOT NULL,
        masks INTEGER NOT NULL,
        scanned_at TEXT NOT NULL
      );
    `,
  },
];
