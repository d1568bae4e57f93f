import type BetterSqlite3 from 'better-sqlite3';
import { FramewiseError } from '../util/errors.js';

/**
 * Versioned migrations, applied in order at open. The schema version is SQLite's `user_version`.
 * Later capabilities append their own entries; never edit a migration that has shipped.
 */
export interface Migration {
  version: number;
  name: string;
  up: string;
}

export const migrations: Migration[] = [
  {
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
  },
  {
    version: 30,
    name: 'ocr and patient data',
    up: `
      CREATE TABLE patient_key_check (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        key_id TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE patient_fields (
        video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
        field TEXT NOT NULL,
        value_enc BLOB NOT NULL,
        confidence REAL,
        frame INTEGER,
        box_json TEXT,
        crop_enc BLOB,
        source TEXT NOT NULL CHECK (source IN ('ocr','manual')),
        verified INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (video_id, field)
      );
      CREATE TABLE patient_identity (
        video_id INTEGER PRIMARY KEY REFERENCES videos(id) ON DELETE CASCADE,
        pseudonym TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX patient_identity_pseudonym ON patient_identity(pseudonym);
      CREATE TABLE patient_audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
        field TEXT NOT NULL,
        action TEXT NOT NULL CHECK (action IN ('ocr','set','clear','verify','unverify')),
        who TEXT NOT NULL,
        at TEXT NOT NULL,
        old_enc BLOB,
        new_enc BLOB
      );
      CREATE INDEX patient_audit_video ON patient_audit(video_id, id);
      CREATE TABLE ocr_results (
        video_id INTEGER PRIMARY KEY REFERENCES videos(id) ON DELETE CASCADE,
        profile TEXT,
        frame_width INTEGER NOT NULL,
        frame_height INTEGER NOT NULL,
        sampled_frames_json TEXT NOT NULL,
        regions_json TEXT NOT NULL,
        texts_enc BLOB NOT NULL,
        job_id INTEGER,
        created_at TEXT NOT NULL
      );
      CREATE TABLE endoscope_regions (
        video_id INTEGER PRIMARY KEY REFERENCES videos(id) ON DELETE CASCADE,
        x INTEGER NOT NULL,
        y INTEGER NOT NULL,
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        shape TEXT NOT NULL CHECK (shape IN ('circle','octagon','rectangle')),
        corner_cut REAL,
        fill REAL,
        frame_width INTEGER NOT NULL,
        frame_height INTEGER NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('detected','profile','manual')),
        updated_at TEXT NOT NULL
      );
      CREATE TABLE ocr_profiles (
        name TEXT PRIMARY KEY,
        profile_json TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
    `,
  },
  {
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
  },
  {
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
  },
  {
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
  },
  {
    // What a process start removed after a crash (core/jobs/reaper.ts): ids and internal folder names only.
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
  },
  {
    // Container/stream tags are patient data: stored sealed with the library key (core/library/sealed-tags.ts).
    version: 53,
    name: 'sealed container tags',
    up: `
      CREATE TABLE video_sealed_tags (
        video_id INTEGER PRIMARY KEY REFERENCES videos(id) ON DELETE CASCADE,
        tags_enc BLOB NOT NULL
      );
    `,
  },
];

export const latestSchemaVersion = (list: readonly Migration[] = migrations): number => list.reduce((m, x) => Math.max(m, x.version), 0);

/**
 * Apply pending migrations in one transaction each, in version order. Applied versions are recorded one by one
 * (`schema_migrations`), so a migration with a lower number that arrives later is still applied. SQLite's
 * `user_version` holds the highest version: a library written by a newer Framewise is refused.
 */
export function migrate(db: BetterSqlite3.Database, file: string, list: readonly Migration[] = migrations): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = latestSchemaVersion(list);
  if (current > latest) {
    throw new FramewiseError(
      'schema_too_new',
      `The library ${file} was written by a newer version of Framewise (schema ${current}; this version knows up to ${latest}). Update Framewise to open it.`,
      { current, latest },
    );
  }
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const applied = new Set((db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>).map((r) => r.version));
  if (applied.size === 0 && current > 0) {
    // A library from before migrations were recorded one by one: everything up to user_version is in place.
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const m of list) {
      if (m.version > current) continue;
      record.run(m.version, m.name, new Date().toISOString());
      applied.add(m.version);
    }
  }
  for (const m of [...list].sort((a, b) => a.version - b.version)) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.up);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        new Date().toISOString(),
      );
      db.pragma(`user_version = ${Math.max(m.version, db.pragma('user_version', { simple: true }) as number)}`);
    })();
  }
  return latest;
}
