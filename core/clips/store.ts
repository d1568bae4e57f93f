import type { Generated, Kysely, Transaction } from 'kysely';
import type { Migration } from '../db/migrations.js';
import type { Database } from '../db/schema.js';
import { frameToTime, type Fraction } from '../util/fraction.js';

export const CLIP_STATES = ['pending', 'approved', 'skipped', 'archived'] as const;
export type ClipState = (typeof CLIP_STATES)[number];

/**
 * Clips: virtual frame ranges of a video (no files until exported). A row is one revision of a clip and is never
 * changed except for `retired_by`, set once when a change replaces it; the active clips of a video are the rows
 * with `retired_by IS NULL`. Every change is one append-only `clip_history` entry (same shape and rules as
 * segment review: stale ids are refused with a conflict, undo/redo are entries themselves).
 */
export interface ClipsTable {
  id: Generated<number>;
  video_id: number;
  start_frame: number;
  end_frame: number;
  state: ClipState;
  created_at: string;
  created_by: string;
  retired_by: number | null;
}

export interface ClipHistoryTable {
  id: Generated<number>;
  video_id: number;
  at: string;
  who: string;
  op: ClipOp;
  before_json: string;
  after_json: string;
  /** Ids of the rows this entry inserted / retired. */
  inserted_json: string;
  removed_json: string;
  undo_of: number | null;
  redo_of: number | null;
}

export type ClipOp = 'detect' | 'split' | 'merge' | 'move' | 'state' | 'undo' | 'redo';
export type ClipTables = { clips: ClipsTable; clip_history: ClipHistoryTable };

export const clipsMigrations: Migration[] = [
  {
    version: 61,
    name: 'clips with review states and history',
    up: `
      CREATE TABLE clip_history (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
        at TEXT NOT NULL,
        who TEXT NOT NULL,
        op TEXT NOT NULL,
        before_json TEXT NOT NULL,
        after_json TEXT NOT NULL,
        inserted_json TEXT NOT NULL,
        removed_json TEXT NOT NULL,
        undo_of INTEGER REFERENCES clip_history(id),
        redo_of INTEGER REFERENCES clip_history(id)
      );
      CREATE INDEX clip_history_video ON clip_history(video_id, id);
      CREATE TABLE clips (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
        start_frame INTEGER NOT NULL CHECK (start_frame >= 0),
        end_frame INTEGER NOT NULL CHECK (end_frame > start_frame),
        state TEXT NOT NULL CHECK (state IN ('pending','approved','skipped','archived')),
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        retired_by INTEGER REFERENCES clip_history(id)
      );
      CREATE INDEX clips_active ON clips(video_id, retired_by, start_frame);
    `,
  },
];

export type Db = Kysely<Database> | Transaction<Database>;
export const clipTables = (db: Db) => db.withTables<ClipTables>();

export interface Clip {
  /** The revision id (changes with every edit of the clip). */
  id: number;
  /** Position in the video, from 1. */
  n: number;
  videoId: number;
  startFrame: number;
  endFrame: number;
  /** Seconds, half-open. */
  start: number;
  end: number;
  state: ClipState;
}

export interface ClipRow {
  id: number;
  video_id: number;
  start_frame: number;
  end_frame: number;
  state: ClipState;
  created_at: string;
  created_by: string;
  retired_by: number | null;
}

export function toClips(rows: ClipRow[], fps: Fraction): Clip[] {
  return [...rows]
    .sort((a, b) => a.start_frame - b.start_frame)
    .map((r, i) => ({
      id: r.id,
      n: i + 1,
      videoId: r.video_id,
      startFrame: r.start_frame,
      endFrame: r.end_frame,
      start: frameToTime(r.start_frame, fps),
      end: frameToTime(r.end_frame, fps),
      state: r.state,
    }));
}

export async function activeRows(db: Db, videoId: number): Promise<ClipRow[]> {
  return clipTables(db)
    .selectFrom('clips')
    .selectAll()
    .where('video_id', '=', videoId)
    .where('retired_by', 'is', null)
    .orderBy('start_frame')
    .execute() as Promise<ClipRow[]>;
}
