import type { Transaction } from 'kysely';
import { nowIso } from '../db/open.js';
import type { Database } from '../db/schema.js';
import type { FrameRange } from './detect.js';

/** The lanes detection writes: `silence` (loudness: parts to remove) and `speech` (VAD: parts to keep). */
export type AudioLane = 'silence' | 'speech';
export const LANE_MODEL: Record<AudioLane, string> = { silence: 'audio.loudness', speech: 'audio.speech' };
export const DETECTOR_VERSION = '1';

/**
 * Replace a lane's detected segments of a video, in the caller's transaction. Rows a reviewer edited, created
 * or deleted are kept (they are the review's history), and a detected range overlapping a span a reviewer ruled
 * on in that lane is not added again; so re-running detection never undoes a person's edit.
 */
export async function replaceLaneSegments(
  trx: Transaction<Database>,
  videoId: number,
  lane: AudioLane,
  ranges: FrameRange[],
  params: Record<string, unknown>,
): Promise<number> {
  const model = LANE_MODEL[lane];
  await trx
    .deleteFrom('segments')
    .where('video_id', '=', videoId)
    .where('source', '=', 'prediction')
    .where('model', '=', model)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('segments as r').select('r.id').whereRef('r.supersedes_id', '=', 'segments.id'))))
    .execute();
  const ruled = await trx
    .selectFrom('segments')
    .select(['start_frame', 'end_frame'])
    .where('video_id', '=', videoId)
    .where('label', '=', lane)
    .where('source', '=', 'reviewer')
    .execute();
  const fresh = ranges.filter((r) => !ruled.some((x) => r.startFrame < x.end_frame && x.start_frame < r.endFrame));
  const now = nowIso();
  const rows = fresh.map((r) => ({
    video_id: videoId,
    label: lane,
    start_frame: r.startFrame,
    end_frame: r.endFrame,
    start_time: r.start,
    end_time: r.end,
    source: 'prediction' as const,
    model,
    model_version: DETECTOR_VERSION,
    run_id: null,
    params_json: JSON.stringify(params),
    mean_score: null,
    max_score: null,
    validated: 0,
    supersedes_id: null,
    deleted: 0,
    created_at: now,
    updated_at: now,
    created_by: `detector:${model}`,
  }));
  for (let i = 0; i < rows.length; i += 200)
    await trx
      .insertInto('segments')
      .values(rows.slice(i, i + 200))
      .execute();
  return rows.length;
}
