import type { Generated, Kysely, Selectable, Transaction } from 'kysely';
import type { Migration } from '../db/migrations.js';
import type { Database } from '../db/schema.js';

/** The subtitle capability's own tables (migrations 80–89). */
export type SubtitleTracksTable = {
  id: Generated<number>;
  video_id: number;
  language: string | null;
  title: string | null;
  kind: string;
  source: string;
  origin: string | null;
  format: string | null;
  encoding: string | null;
  ass_header: string | null;
  reviewed: number;
  deleted: number;
  created_at: string;
};

/**
 * Cue rows are never changed in place (like review segments): an edit inserts successor rows that supersede
 * the rows they replace (a deletion inserts a tombstone). A cue's id is therefore its revision.
 */
export type SubtitleCuesTable = {
  id: Generated<number>;
  track_id: number;
  start_ms: number;
  end_ms: number;
  text: string;
  align: number | null;
  style: string | null;
  words_json: string | null;
  supersedes_id: number | null;
  deleted: number;
  created_at: string;
  created_by: string | null;
};

/** Append-only: one entry per change of a video's subtitles, with the rows it inserted (for undo/redo). */
export type SubtitleHistoryTable = {
  id: Generated<number>;
  video_id: number;
  track_id: number;
  at: string;
  who: string;
  op: string;
  before_json: string;
  after_json: string;
  inserted_json: string;
  removed_json: string;
  undo_of: number | null;
  redo_of: number | null;
};

// A type alias (not an interface): kysely's withTables wants an index-signature-compatible record.
export type SubtitleTables = {
  subtitle_tracks: SubtitleTracksTable;
  subtitle_cues: SubtitleCuesTable;
  subtitle_history: SubtitleHistoryTable;
};

export type SubDb = Kysely<Database & SubtitleTables>;
export type SubTrx = Transaction<Database & SubtitleTables>;
export type CueRow = Selectable<SubtitleCuesTable>;
export type TrackRow = Selectable<SubtitleTracksTable>;
export type HistoryRow = Selectable<SubtitleHistoryTable>;

/** The library's database seen with the subtitle tables. */
export const subDb = (db: Kysely<Database>): SubDb => db.withTables<SubtitleTables>();

export const subtitleMigrations: Migration[] = [
  {
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
  },
];
