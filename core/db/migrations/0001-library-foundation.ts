import type { Migration } from '../migration.js';

/** Shipped: never edit; add a new migration instead. */
export const foundationMigration: Migration = {
  version: 1,
  name: 'library foundation',
  up: `
      CREATE TABLE videos (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        path TEXT NOT NULL,
        original_path TEXT NOT NULL,
        name TEXT NOT NULL,
        size INTEGER NOT NULL,
        mtime_ms INTEGER NOT NULL,
        sha256 TEXT NOT NULL UNIQUE,
        copied INTEGER NOT NULL DEFAULT 0,
        container TEXT NOT NULL,
        duration REAL NOT NULL,
        fps_num INTEGER,
        fps_den INTEGER,
        avg_frame_rate TEXT,
        r_frame_rate TEXT,
        frame_count_estimate INTEGER,
        frame_count INTEGER,
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        display_width INTEGER NOT NULL,
        display_height INTEGER NOT NULL,
        rotation INTEGER NOT NULL DEFAULT 0,
        pixel_format TEXT,
        video_codec TEXT,
        audio_streams INTEGER NOT NULL DEFAULT 0,
        subtitle_streams INTEGER NOT NULL DEFAULT 0,
        variable_frame_rate INTEGER NOT NULL DEFAULT 0,
        metadata_json TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'imported'
          CHECK (state IN ('imported','reviewed','anonymized','missing')),
        imported_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX videos_path ON videos(path);
      CREATE INDEX videos_name ON videos(name);

      CREATE TABLE jobs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        video_id INTEGER REFERENCES videos(id) ON DELETE CASCADE,
        dedupe_key TEXT NOT NULL,
        input_json TEXT NOT NULL,
        output_json TEXT,
        state TEXT NOT NULL CHECK (state IN ('queued','running','succeeded','failed','cancelled')),
        progress REAL NOT NULL DEFAULT 0,
        stage TEXT,
        eta_seconds REAL,
        attempts INTEGER NOT NULL DEFAULT 0,
        max_attempts INTEGER NOT NULL DEFAULT 3,
        error_json TEXT,
        cancel_requested INTEGER NOT NULL DEFAULT 0,
        runner_id TEXT,
        runner_pid INTEGER,
        heartbeat_at TEXT,
        created_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT
      );
      CREATE UNIQUE INDEX jobs_active_dedupe ON jobs(dedupe_key) WHERE state IN ('queued','running');
      CREATE INDEX jobs_state ON jobs(state, id);
      CREATE INDEX jobs_video ON jobs(video_id);

      CREATE TABLE job_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        at TEXT NOT NULL,
        type TEXT NOT NULL,
        data_json TEXT
      );
      CREATE INDEX job_events_job ON job_events(job_id, id);

      CREATE TABLE artifacts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        path TEXT NOT NULL,
        meta_json TEXT,
        created_at TEXT NOT NULL,
        UNIQUE (video_id, kind)
      );

      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value_json TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
    `,
};
