import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import { nowIso } from '../db/open.js';
import type { LibraryKey } from '../patient/crypto.js';
import { textsContext } from '../patient/store.js';
import type { MaskShape, MeasuredEndoscopeRegion } from './endoscope.js';
import type { Box } from './image.js';
import type { TextRegion } from './pipeline.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface StoredEndoscopeRegion extends MeasuredEndoscopeRegion {
  source: 'detected' | 'profile' | 'manual';
  updatedAt: string;
}

/**
 * The endoscope image region of a video (rectangle + mask shape, in the video's display pixels), or null
 * when OCR has not run or found none. Consumed by prediction (`crop: "roi"`) and anonymization.
 */
export async function getEndoscopeRegion(db: Db, videoId: number): Promise<StoredEndoscopeRegion | null> {
  const r = await db.selectFrom('endoscope_regions').selectAll().where('video_id', '=', videoId).executeTakeFirst();
  if (!r) return null;
  const out: StoredEndoscopeRegion = {
    x: r.x,
    y: r.y,
    width: r.width,
    height: r.height,
    shape: r.shape as MaskShape,
    frameWidth: r.frame_width,
    frameHeight: r.frame_height,
    fill: r.fill ?? 1,
    source: r.source as StoredEndoscopeRegion['source'],
    updatedAt: r.updated_at,
  };
  if (r.corner_cut !== null) out.cornerCut = r.corner_cut;
  return out;
}

/** Store a region; a manually set region is only replaced by another manual one. */
export async function putEndoscopeRegion(
  db: Db,
  videoId: number,
  region: MeasuredEndoscopeRegion,
  source: StoredEndoscopeRegion['source'],
): Promise<void> {
  if (source !== 'manual') {
    const cur = await db.selectFrom('endoscope_regions').select('source').where('video_id', '=', videoId).executeTakeFirst();
    if (cur?.source === 'manual') return;
  }
  const row = {
    x: Math.round(region.x),
    y: Math.round(region.y),
    width: Math.round(region.width),
    height: Math.round(region.height),
    shape: region.shape,
    corner_cut: region.cornerCut ?? null,
    fill: region.fill,
    frame_width: region.frameWidth,
    frame_height: region.frameHeight,
    source,
    updated_at: nowIso(),
  };
  await db
    .insertInto('endoscope_regions')
    .values({ video_id: videoId, ...row })
    .onConflict((oc) => oc.column('video_id').doUpdateSet(row))
    .execute();
}

/** A text region as stored: geometry and votes; its text only decrypted on request. */
export interface StoredTextRegion extends Omit<TextRegion, 'text'> {
  text?: string;
}

export interface StoredOcrResult {
  profile: string | null;
  frameWidth: number;
  frameHeight: number;
  sampledFrames: number[];
  regions: StoredTextRegion[];
  jobId: number | null;
  createdAt: string;
}

export async function putOcrResult(
  db: Db,
  key: LibraryKey,
  videoId: number,
  r: {
    profile: string | null;
    frameWidth: number;
    frameHeight: number;
    sampledFrames: number[];
    regions: TextRegion[];
    jobId: number | null;
  },
): Promise<void> {
  const row = {
    profile: r.profile,
    frame_width: r.frameWidth,
    frame_height: r.frameHeight,
    sampled_frames_json: JSON.stringify(r.sampledFrames),
    regions_json: JSON.stringify(r.regions.map(({ text: _t, ...rest }) => rest)),
    texts_enc: key.encrypt(JSON.stringify(r.regions.map((x) => x.text)), textsContext(videoId)),
    job_id: r.jobId,
    created_at: nowIso(),
  };
  await db
    .insertInto('ocr_results')
    .values({ video_id: videoId, ...row })
    .onConflict((oc) => oc.column('video_id').doUpdateSet(row))
    .execute();
}

export async function getOcrResult(db: Db, videoId: number, key: LibraryKey | null): Promise<StoredOcrResult | null> {
  const r = await db.selectFrom('ocr_results').selectAll().where('video_id', '=', videoId).executeTakeFirst();
  if (!r) return null;
  const regions = JSON.parse(r.regions_json) as StoredTextRegion[];
  if (key) {
    const texts = JSON.parse(key.decrypt(r.texts_enc, textsContext(videoId))) as string[];
    regions.forEach((g, i) => (g.text = texts[i] ?? ''));
  }
  return {
    profile: r.profile,
    frameWidth: r.frame_width,
    frameHeight: r.frame_height,
    sampledFrames: JSON.parse(r.sampled_frames_json) as number[],
    regions,
    jobId: r.job_id,
    createdAt: r.created_at,
  };
}

export type { Box };
