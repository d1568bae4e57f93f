import type { Migration } from '../../db/migration.js';

/** Shipped: never edit; add a new migration instead. */
export const ocrPatientMigration: Migration = {
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
};
