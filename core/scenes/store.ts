import type { Generated, Kysely, Transaction } from 'kysely';
import type { Migration } from '../db/migrations.js';
import type { Database } from '../db/schema.js';
import { nowIso } from '../db/open.js';
import { parseFraction, type Fraction } from '../util/fraction.js';
import type { VideoRow } from '../library/videos.js';
import type { Detection, Scene } from './detect.js';
import { paramsKey, type SceneParams } from './params.js';

/** Scene detection results, one row per video and parameter set (a repeated request is answered from here). */
export interface SceneDetectionsTable {
  id: Generated<number>;
  video_id: number;
  params_key: string;
  params_json: string;
  fps_num: number;
  fps_den: number;
  frames: number;
  scenes_json: string;
  /** Float32 little-endian, one score per frame number (NaN where none). */
  scores: Uint8Array;
  created_at: string;
}

export type SceneTables = { scene_detections: SceneDetectionsTable };

export const scenesMigrations: Migration[] = [
  {
    version: 60,
    name: 'scene detections',
    up: `
      CREATE TABLE scene_detections (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
        params_key TEXT NOT NULL,
        params_json TEXT NOT NULL,
        fps_num INTEGER NOT NULL,
        fps_den INTEGER NOT NULL,
        frames INTEGER NOT NULL,
        scenes_json TEXT NOT NULL,
        scores BLOB NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (video_id, params_key)
      );
    `,
  },
];

type Db = Kysely<Database> | Transaction<Database>;
const tables = (db: Db) => db.withTables<SceneTables>();

export interface SceneResult {
  id: number;
  videoId: number;
  detector: SceneParams['detector'];
  params: SceneParams;
  fps: Fraction;
  frames: number;
  scenes: Scene[];
  createdAt: string;
}

/** The frame rate scenes and clips count frames on: the nominal (r_frame_rate) one on variable-frame-rate files. */
export function numberingFps(row: Pick<VideoRow, 'fps_num' | 'fps_den' | 'r_frame_rate' | 'variable_frame_rate'>): Fraction {
  const nominal = row.variable_frame_rate ? parseFraction(row.r_frame_rate) : null;
  return nominal ?? { num: row.fps_num ?? 25, den: row.fps_den ?? 1 };
}

export async function saveDetection(db: Db, videoId: number, d: Detection): Promise<void> {
  const key = paramsKey(d.params);
  await tables(db).deleteFrom('scene_detections').where('video_id', '=', videoId).where('params_key', '=', key).execute();
  await tables(db)
    .insertInto('scene_detections')
    .values({
      video_id: videoId,
      params_key: key,
      params_json: JSON.stringify(d.params),
      fps_num: d.fps.num,
      fps_den: d.fps.den,
      frames: d.frames,
      scenes_json: JSON.stringify(d.scenes),
      scores: new Uint8Array(d.scores.buffer, d.scores.byteOffset, d.scores.byteLength),
      created_at: nowIso(),
    })
    .execute();
}

type Row = Omit<SceneDetectionsTable, 'id'> & { id: number };

function toResult(r: Omit<Row, 'scores'>): SceneResult {
  const params = JSON.parse(r.params_json) as SceneParams;
  return {
    id: r.id,
    videoId: r.video_id,
    detector: params.detector,
    params,
    fps: { num: r.fps_num, den: r.fps_den },
    frames: r.frames,
    scenes: JSON.parse(r.scenes_json) as Scene[],
    createdAt: r.created_at,
  };
}

const COLUMNS = ['id', 'video_id', 'params_key', 'params_json', 'fps_num', 'fps_den', 'frames', 'scenes_json', 'created_at'] as const;

export async function findDetection(db: Db, videoId: number, params: SceneParams): Promise<SceneResult | null> {
  const r = await tables(db)
    .selectFrom('scene_detections')
    .select(COLUMNS)
    .where('video_id', '=', videoId)
    .where('params_key', '=', paramsKey(params))
    .executeTakeFirst();
  return r ? toResult(r) : null;
}

export async function latestDetection(db: Db, videoId: number): Promise<SceneResult | null> {
  const r = await tables(db)
    .selectFrom('scene_detections')
    .select(COLUMNS)
    .where('video_id', '=', videoId)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return r ? toResult(r) : null;
}

/**
 * The score curve of a stored detection, reduced to at most `points` values (the maximum of each bucket, so a
 * cut's peak is never averaged away). `null` where no frame has that number.
 */
export async function detectionScores(
  db: Db,
  id: number,
  points: number,
): Promise<{ framesPerPoint: number; scores: Array<number | null>; threshold: number; detector: string } | null> {
  const r = await tables(db).selectFrom('scene_detections').select(['scores', 'params_json']).where('id', '=', id).executeTakeFirst();
  if (!r) return null;
  const buf = Buffer.from(r.scores);
  const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  const per = Math.max(1, Math.ceil(all.length / points));
  const scores: Array<number | null> = [];
  for (let i = 0; i < all.length; i += per) {
    let m = NaN;
    for (let j = i; j < Math.min(all.length, i + per); j++) if (!Number.isNaN(all[j]!) && !(all[j]! <= m)) m = all[j]!;
    scores.push(Number.isNaN(m) ? null : Math.round(m * 1000) / 1000);
  }
  const params = JSON.parse(r.params_json) as SceneParams;
  return { framesPerPoint: per, scores, threshold: params.threshold, detector: params.detector };
}

export async function detectionById(db: Db, id: number): Promise<SceneResult | null> {
  const r = await tables(db).selectFrom('scene_detections').select(COLUMNS).where('id', '=', id).executeTakeFirst();
  return r ? toResult(r) : null;
}
