import type { Kysely, Transaction } from 'kysely';
import type { Migration } from '../db/migrations.js';
import type { Database } from '../db/schema.js';
import { nowIso } from '../db/open.js';
import type { FingerprintSequence } from './fingerprint.js';
import type { ClipTables } from '../clips/store.js';

/** The fingerprint sequence of a video (2 samples per second), recomputed when the video's content changes. */
export interface VideoFingerprintsTable {
  video_id: number;
  sample_fps: number;
  samples: number;
  /** Float32 little-endian seconds. */
  times: Uint8Array;
  /** Two uint32 (high, low) per 64-bit hash, little-endian. */
  hashes: Uint8Array;
  /** Float32 little-endian, HISTOGRAM_LENGTH per sample. */
  histograms: Uint8Array;
  created_at: string;
}

/** The fingerprint of a clip's middle keyframe (clip ids are revisions, so an edited clip gets a new row). */
export interface ClipFingerprintsTable {
  clip_id: number;
  video_id: number;
  frame: number;
  hash_hi: number;
  hash_lo: number;
  histogram: Uint8Array;
}

/** A near-duplicate pair: `video_id` looks like the older `other_id`; the user's decision once taken. */
export interface NearDuplicatesTable {
  video_id: number;
  other_id: number;
  score: number;
  offset_seconds: number;
  decision: 'keep' | 'link' | null;
  created_at: string;
  decided_at: string | null;
}

export type SimilarTables = {
  video_fingerprints: VideoFingerprintsTable;
  clip_fingerprints: ClipFingerprintsTable;
  near_duplicates: NearDuplicatesTable;
};

export const similarMigrations: Migration[] = [
  {
    version: 90,
    name: 'fingerprints and near-duplicates',
    up: `
      CREATE TABLE video_fingerprints (
        video_id INTEGER PRIMARY KEY REFERENCES videos(id) ON DELETE CASCADE,
        sample_fps REAL NOT NULL,
        samples INTEGER NOT NULL,
        times BLOB NOT NULL,
        hashes BLOB NOT NULL,
        histograms BLOB NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE clip_fingerprints (
        clip_id INTEGER PRIMARY KEY REFERENCES clips(id) ON DELETE CASCADE,
        video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
        frame INTEGER NOT NULL,
        hash_hi INTEGER NOT NULL,
        hash_lo INTEGER NOT NULL,
        histogram BLOB NOT NULL
      );
      CREATE INDEX clip_fingerprints_video ON clip_fingerprints(video_id);
      CREATE TABLE near_duplicates (
        video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
        other_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
        score REAL NOT NULL,
        offset_seconds REAL NOT NULL,
        decision TEXT CHECK (decision IN ('keep','link')),
        created_at TEXT NOT NULL,
        decided_at TEXT,
        PRIMARY KEY (video_id, other_id),
        CHECK (video_id <> other_id)
      );
      CREATE INDEX near_duplicates_other ON near_duplicates(other_id);
    `,
  },
];

export type Db = Kysely<Database> | Transaction<Database>;
export const similarTables = (db: Db) => db.withTables<SimilarTables & ClipTables>();

/** Which of these clips still exist (a job's results are stored at its end; clips removed meanwhile are skipped). */
export async function liveClipIds(db: Db, ids: number[]): Promise<Set<number>> {
  if (!ids.length) return new Set();
  const rows = await similarTables(db).selectFrom('clips').select('id').where('id', 'in', ids).execute();
  return new Set(rows.map((r) => r.id));
}

export const toBlob = (a: Float32Array | Uint32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
function copyOf(blob: Uint8Array): ArrayBuffer {
  const b = Buffer.from(blob);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
}
export const floatsOf = (blob: Uint8Array) => new Float32Array(copyOf(blob));
export const wordsOf = (blob: Uint8Array) => new Uint32Array(copyOf(blob));

export async function saveVideoFingerprint(db: Db, videoId: number, f: FingerprintSequence): Promise<void> {
  const row = {
    video_id: videoId,
    sample_fps: f.sampleFps,
    samples: f.times.length,
    times: toBlob(f.times),
    hashes: toBlob(f.hashes),
    histograms: toBlob(f.histograms),
    created_at: nowIso(),
  };
  await similarTables(db)
    .insertInto('video_fingerprints')
    .values(row)
    .onConflict((oc) => oc.column('video_id').doUpdateSet(row))
    .execute();
}

export interface StoredSequence {
  videoId: number;
  sampleFps: number;
  hashes: Uint32Array;
}

/** Every stored sequence (hashes only: 8 bytes per sample, so a 30-minute video is about 29 kB). */
export async function allSequences(db: Db): Promise<StoredSequence[]> {
  const rows = await similarTables(db).selectFrom('video_fingerprints').select(['video_id', 'sample_fps', 'hashes']).execute();
  return rows.map((r) => ({ videoId: r.video_id, sampleFps: r.sample_fps, hashes: wordsOf(r.hashes) }));
}

export async function hasFingerprint(db: Db, videoId: number): Promise<boolean> {
  const r = await similarTables(db).selectFrom('video_fingerprints').select('video_id').where('video_id', '=', videoId).executeTakeFirst();
  return Boolean(r);
}

/**
 * Replace the undecided near-duplicate flags involving `videoId` (a decision already taken on a pair is kept).
 * A pair is stored once, the newer video (higher id) first: it is the one that "looks like" the older.
 */
export async function saveNearDuplicates(
  db: Db,
  videoId: number,
  found: Array<{ otherId: number; score: number; offsetSeconds: number }>,
): Promise<void> {
  await similarTables(db)
    .deleteFrom('near_duplicates')
    .where((eb) => eb.or([eb('video_id', '=', videoId), eb('other_id', '=', videoId)]))
    .where('decision', 'is', null)
    .execute();
  for (const f of found) {
    const newer = Math.max(videoId, f.otherId);
    const older = Math.min(videoId, f.otherId);
    const offset = newer === videoId ? f.offsetSeconds : -f.offsetSeconds;
    await similarTables(db)
      .insertInto('near_duplicates')
      .values({
        video_id: newer,
        other_id: older,
        score: f.score,
        offset_seconds: offset,
        decision: null,
        created_at: nowIso(),
        decided_at: null,
      })
      .onConflict((oc) => oc.columns(['video_id', 'other_id']).doUpdateSet({ score: f.score, offset_seconds: offset }))
      .execute();
  }
}

export interface NearDuplicate {
  videoId: number;
  otherId: number;
  /** 0..1: share of the overlapping samples that show the same picture. */
  score: number;
  /** Seconds the video starts later in the other (positive) or earlier (negative). */
  offsetSeconds: number;
  decision: 'keep' | 'link' | null;
}

export async function listNearDuplicates(db: Db, opts: { videoId?: number; threshold?: number } = {}): Promise<NearDuplicate[]> {
  let q = similarTables(db).selectFrom('near_duplicates').selectAll();
  if (opts.videoId !== undefined) {
    const id = opts.videoId;
    q = q.where((eb) => eb.or([eb('video_id', '=', id), eb('other_id', '=', id)]));
  }
  if (opts.threshold !== undefined) q = q.where('score', '>=', opts.threshold);
  const rows = await q.orderBy('score', 'desc').orderBy('video_id').execute();
  return rows.map((r) => ({
    videoId: r.video_id,
    otherId: r.other_id,
    score: r.score,
    offsetSeconds: r.offset_seconds,
    decision: r.decision,
  }));
}

export async function decideNearDuplicate(db: Db, videoId: number, otherId: number, decision: 'keep' | 'link'): Promise<boolean> {
  const r = await similarTables(db)
    .updateTable('near_duplicates')
    .set({ decision, decided_at: nowIso() })
    .where((eb) =>
      eb.or([
        eb.and([eb('video_id', '=', videoId), eb('other_id', '=', otherId)]),
        eb.and([eb('video_id', '=', otherId), eb('other_id', '=', videoId)]),
      ]),
    )
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
