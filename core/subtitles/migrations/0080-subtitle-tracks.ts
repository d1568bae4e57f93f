import type { Migration } from '../../db/migration.js';

/** Shipped: never edit; add a new migration instead. */
export const subtitleTracksMigration: Migration = {
  version: 80,
  name: 'subtitle tracks, cues and their edit history',
  up: `
      CREATE TABLE subtitle_tracks (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
        language TEXT,
        title TEXT,
        kind TEXT NOT NULL CHECK (kind IN ('subtitles','captions')),
        source TEXT NOT NULL CHECK (source IN ('file','embedded','made')),
        origin TEXT,
        format TEXT,
        encoding TEXT,
        ass_header TEXT,
        reviewed INTEGER NOT NULL DEFAULT 0,
        deleted INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL
      );
      CREATE INDEX subtitle_tracks_video ON subtitle_tracks(video_id);

      CREATE TABLE subtitle_cues (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        track_id INTEGER NOT NULL REFERENCES subtitle_tracks(id) ON DELETE CASCADE,
        start_ms INTEGER NOT NULL CHECK (start_ms >= 0),
        end_ms INTEGER NOT NULL CHECK (end_ms > start_ms),
        text TEXT NOT NULL,
        align INTEGER CHECK (align BETWEEN 1 AND 9),
        style TEXT,
        words_json TEXT,
        supersedes_id INTEGER,
        deleted INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        created_by TEXT
      );
      CREATE INDEX subtitle_cues_track ON subtitle_cues(track_id, start_ms);
      CREATE INDEX subtitle_cues_supersedes ON subtitle_cues(supersedes_id);

      CREATE TABLE subtitle_history (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
        track_id INTEGER NOT NULL,
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
      CREATE INDEX subtitle_history_video ON subtitle_history(video_id, id);
    `,
};
