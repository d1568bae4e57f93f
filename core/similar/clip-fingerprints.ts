/**
 * Fingerprints of clips: the middle keyframe (as the clips' keyframe images pick it), decoded as 32×32 RGB
 * through a pipe (`readFrameRgb`), hashed, stored per clip revision. Made on demand for clips that have none.
 */
import { keyframeFrames } from '../clips/media.js';
import { activeRows, toClips, type Clip } from '../clips/store.js';
import { readFrameRgb } from '../ffmpeg/raw-frame.js';
import { getVideoRow } from '../library/videos.js';
import { numberingFps } from '../scenes/store.js';
import type { Services } from '../services.js';
import { FramewiseError } from '../util/errors.js';
import { frameToTime } from '../util/fraction.js';
import { frameFingerprint } from './fingerprint.js';
import { HASH_SIZE, hashVector, hashWords } from './phash.js';
import { similarTables, toBlob, type Db } from './store.js';
import { normalise, type VectorSet } from './vector-search.js';

export async function ensureClipFingerprints(s: Services, videoId: number, signal?: AbortSignal): Promise<Clip[]> {
  const row = await getVideoRow(s.db.reader, videoId);
  const fps = numberingFps(row);
  const clips = toClips(await activeRows(s.db.reader, videoId), fps);
  const have = new Set(
    (await similarTables(s.db.reader).selectFrom('clip_fingerprints').select('clip_id').where('video_id', '=', videoId).execute()).map(
      (r) => r.clip_id,
    ),
  );
  for (const c of clips) {
    if (have.has(c.id)) continue;
    const frame = keyframeFrames(c.startFrame, c.endFrame, 1)[0]!;
    const rgb = await readFrameRgb(s.ffmpeg, row.path, frameToTime(frame, fps), { width: HASH_SIZE, height: HASH_SIZE }, signal);
    if (!rgb) throw new FramewiseError('undecodable', `${row.path}: frame ${frame} could not be decoded`);
    const fp = frameFingerprint(rgb);
    const w = hashWords([fp.hash]);
    await similarTables(s.db.writer)
      .insertInto('clip_fingerprints')
      .values({ clip_id: c.id, video_id: videoId, frame, hash_hi: w[0]!, hash_lo: w[1]!, histogram: toBlob(fp.histogram) })
      .onConflict((oc) => oc.column('clip_id').doNothing())
      .execute();
  }
  return clips;
}

export interface ClipRef {
  clipId: number;
  videoId: number;
  frame: number;
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
