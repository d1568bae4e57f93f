/**
 * Fingerprints of clips: the middle keyframe (as the clips' keyframe images pick it), decoded as 32×32 RGB
 * through a pipe (`readFrameRgb`), hashed, stored per clip revision. Made by the `clip-fingerprints` job for the
 * clips that have none; everything is written in one transaction at the end, so a cancelled job stores nothing.
 */
import type { Kysely } from 'kysely';
import { keyframeFrames } from '../clips/media.js';
import type { Database } from '../db/schema.js';
import { activeRows, toClips, type Clip } from '../clips/store.js';
import { readFrameRgb } from '../ffmpeg/raw-frame.js';
import { onFileTime, videoStartOf } from '../ffmpeg/file-time.js';
import { getVideoRow } from '../library/videos.js';
import { numberingFps } from '../scenes/store.js';
import type { Services } from '../services.js';
import { cancelled, FramewiseError } from '../util/errors.js';
import { frameToTime } from '../util/fraction.js';
import { frameFingerprint } from './fingerprint.js';
import { HASH_SIZE, hashVector, hashWords } from './phash.js';
import { liveClipIds, similarTables, toBlob, type Db } from './store.js';
import { normalise, type VectorSet } from './vector-search.js';

export interface ClipFingerprintRow {
  clip_id: number;
  video_id: number;
  frame: number;
  hash_hi: number;
  hash_lo: number;
  histogram: Uint8Array;
}

/** The active clips of a video (in order, numbered from 1). */
export async function activeClips(db: Kysely<Database>, videoId: number): Promise<Clip[]> {
  const row = await getVideoRow(db, videoId);
  return toClips(await activeRows(db, videoId), numberingFps(row));
}

/** Videos with at least one active clip that has no fingerprint yet. */
export async function videosMissingClipFingerprints(db: Db): Promise<number[]> {
  const rows = await similarTables(db)
    .selectFrom('clips')
    .leftJoin('clip_fingerprints', 'clip_fingerprints.clip_id', 'clips.id')
    .select('clips.video_id')
    .distinct()
    .where('clips.retired_by', 'is', null)
    .where('clip_fingerprints.clip_id', 'is', null)
    .orderBy('clips.video_id')
    .execute();
  return rows.map((r) => r.video_id);
}

/** Fingerprint the active clips of a video that have none (nothing is written here). */
export async function computeClipFingerprints(
  s: Services,
  videoId: number,
  opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<ClipFingerprintRow[]> {
  const row = await getVideoRow(s.db.reader, videoId);
  const fps = numberingFps(row);
  const onFile = onFileTime(videoStartOf(row));
  const have = new Set(
    (await similarTables(s.db.reader).selectFrom('clip_fingerprints').select('clip_id').where('video_id', '=', videoId).execute()).map(
      (r) => r.clip_id,
    ),
  );
  const todo = toClips(await activeRows(s.db.reader, videoId), fps).filter((c) => !have.has(c.id));
  const out: ClipFingerprintRow[] = [];
  for (const [i, c] of todo.entries()) {
    if (opts.signal?.aborted) throw cancelled();
    const frame = keyframeFrames(c.startFrame, c.endFrame, 1)[0]!;
    const rgb = await readFrameRgb(
      s.ffmpeg,
      row.path,
      onFile(frameToTime(frame, fps)),
      { width: HASH_SIZE, height: HASH_SIZE },
      opts.signal,
    );
    if (!rgb) throw new FramewiseError('undecodable', `${row.path}: frame ${frame} could not be decoded`);
    const fp = frameFingerprint(rgb);
    const w = hashWords([fp.hash]);
    out.push({ clip_id: c.id, video_id: videoId, frame, hash_hi: w[0]!, hash_lo: w[1]!, histogram: toBlob(fp.histogram) });
    opts.onProgress?.(i + 1, todo.length);
  }
  return out;
}

/** Store fingerprints (inside the job's transaction); clips removed meanwhile are skipped. */
export async function saveClipFingerprints(db: Db, rows: ClipFingerprintRow[]): Promise<number> {
  if (!rows.length) return 0;
  const live = await liveClipIds(
    db,
    rows.map((r) => r.clip_id),
  );
  let saved = 0;
  for (const r of rows) {
    if (!live.has(r.clip_id)) continue;
    await similarTables(db)
      .insertInto('clip_fingerprints')
      .values(r)
      .onConflict((oc) => oc.column('clip_id').doNothing())
      .execute();
    saved++;
  }
  return saved;
}

export interface ClipRef {
  clipId: number;
  videoId: number;
  frame: number;
}

/** The hash of one picture as the unit vector clip fingerprints are searched with. */
export function fingerprintQuery(rgb: Uint8Array): Float32Array {
  return normalise(hashVector(frameFingerprint(rgb).hash));
}

/** Every active clip's fingerprint as a unit vector (the hash as ±1/8: cosine = 1 − hamming / 32). */
export async function clipFingerprintVectors(db: Db): Promise<{ set: VectorSet; refs: ClipRef[] }> {
  const rows = await similarTables(db)
    .selectFrom('clip_fingerprints')
    .innerJoin('clips', 'clips.id', 'clip_fingerprints.clip_id')
    .select(['clip_fingerprints.clip_id', 'clip_fingerprints.video_id', 'frame', 'hash_hi', 'hash_lo'])
    .where('clips.retired_by', 'is', null)
    .execute();
  const data = new Float32Array(rows.length * 64);
  const refs: ClipRef[] = [];
  rows.forEach((r, i) => {
    hashVector((BigInt(r.hash_hi >>> 0) << 32n) | BigInt(r.hash_lo >>> 0), data, i * 64);
    normalise(data.subarray(i * 64, i * 64 + 64));
    refs.push({ clipId: r.clip_id, videoId: r.video_id, frame: r.frame });
  });
  return { set: { dim: 64, data, count: rows.length }, refs };
}
