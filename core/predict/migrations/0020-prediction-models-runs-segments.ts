import type { Migration } from '../../db/migration.js';

/** Shipped: never edit; add a new migration instead. */
export const predictionMigration: Migration = {
  version: 20,
  name: 'prediction: models, prediction runs, segments',
  up: `
      CREATE TABLE models (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL UNIQUE,
        version TEXT NOT NULL,
        task TEXT NOT NULL CHECK (task IN ('multilabel','multiclass')),
        labels_json TEXT NOT NULL,
        manifest_json TEXT NOT NULL,
        -- file name inside <dataDir>/models (content-addressed: <sha256>.onnx)
        file TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL,
        builtin INTEGER NOT NULL DEFAULT 0,
        is_default INTEGER NOT NULL DEFAULT 0,
        added_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );

      -- The latest scores of one model on one video: a compact file (float32 matrix + sample times), not rows.
      CREATE TABLE prediction_runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
        model_name TEXT NOT NULL,
        model_version TEXT NOT NULL,
        model_sha256 TEXT NOT NULL,
        labels_json TEXT NOT NULL,
        params_json TEXT NOT NULL,
        sample_fps REAL,
        samples INTEGER NOT NULL,
        -- relative to the artifacts folder
        scores_path TEXT NOT NULL,
        job_id INTEGER,
        created_at TEXT NOT NULL,
        UNIQUE (video_id, model_name)
      );

      -- Time segments per label. Half-open: [start_frame, end_frame), [start_time, end_time) seconds.
      -- source 'prediction': written by a prediction run; a re-run of the same model replaces its prediction rows.
      -- source 'reviewer': created or edited by a person; never touched by prediction. An edit of a segment is a
      --   new reviewer row with supersedes_id = the edited row; a deletion is a reviewer row with deleted = 1 and
      --   supersedes_id set (a tombstone). Active segments: deleted = 0 and not superseded by any row.
      CREATE TABLE segments (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
        label TEXT NOT NULL,
        start_frame INTEGER NOT NULL,
        end_frame INTEGER NOT NULL,
        start_time REAL NOT NULL,
        end_time REAL NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('prediction','reviewer')),
        model TEXT,
        model_version TEXT,
        run_id INTEGER REFERENCES prediction_runs(id) ON DELETE SET NULL,
        params_json TEXT,
        mean_score REAL,
        max_score REAL,
        validated INTEGER NOT NULL DEFAULT 0,
        supersedes_id INTEGER REFERENCES segments(id) ON DELETE SET NULL,
        deleted INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        created_by TEXT,
        CHECK (end_frame > start_frame),
        CHECK (end_time >= start_time)
      );
      CREATE INDEX segments_video_label ON segments(video_id, label, start_frame);
      CREATE INDEX segments_video_model ON segments(video_id, source, model);
      CREATE INDEX segments_supersedes ON segments(supersedes_id) WHERE supersedes_id IS NOT NULL;
    `,
};
