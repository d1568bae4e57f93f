import type { Generated, Kysely, Selectable, Transaction } from 'kysely';
import type { Database, EditHistoryTable } from '../db/schema.js';

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

/** Append-only: one entry per change of a video's subtitles (of one track), with the rows it inserted (for undo/redo). */
export type SubtitleHistoryTable = EditHistoryTable & { track_id: number };

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
