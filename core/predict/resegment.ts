import path from 'node:path';
import type { Services } from '../services.js';
import { FramewiseError } from '../util/errors.js';
import { readScores } from './scores.js';
import { replacePredictionSegments } from './segment-store.js';
import { computeSegments, type SegmentParams } from './segments.js';
import { bestFrameCount } from '../library/videos.js';

export interface ResegmentOverrides {
  thresholds?: Record<string, number>;
  windowSeconds?: number;
  minSegmentSeconds?: number;
  mergeGapSeconds?: number;
  hysteresis?: number;
}

/**
 * Re-threshold / re-smooth a stored prediction without running the model again: read the run's scores file,
 * compute segments with the run's parameters patched by `overrides`, and replace that model's prediction
 * segments (reviewer segments untouched) in one transaction. Returns the new parameters and segment count.
 */
export async function resegment(
  services: Pick<Services, 'db' | 'artifactsDir' | 'events'>,
  videoId: number,
  model: string,
  overrides: ResegmentOverrides,
): Promise<{ params: SegmentParams & { sampleFps: number | null }; segments: number }> {
  const db = services.db.writer;
  const run = await db
    .selectFrom('prediction_runs')
    .selectAll()
    .where('video_id', '=', videoId)
    .where('model_name', '=', model)
    .executeTakeFirst();
  if (!run) throw new FramewiseError('not_found', `Model "${model}" has not been run on video ${videoId}; run the prediction first`);
  const video = await db
    .selectFrom('videos')
    .select(['duration', 'fps_num', 'fps_den', 'frame_count', 'frame_count_estimate'])
    .where('id', '=', videoId)
    .executeTakeFirstOrThrow();
  const previous = JSON.parse(run.params_json) as SegmentParams & { sampleFps: number | null };
  const stored = await readScores(path.join(services.artifactsDir, run.scores_path));
  for (const key of Object.keys(overrides.thresholds ?? {})) {
    if (key !== 'default' && !stored.labels.includes(key)) {
      throw new FramewiseError('usage', `thresholds.${key}: "${key}" is not a label of ${model} (${stored.labels.join(', ')})`);
    }
  }
  const params: SegmentParams & { sampleFps: number | null } = {
    ...previous,
    thresholds: { ...previous.thresholds, ...(overrides.thresholds ?? {}) } as SegmentParams['thresholds'],
    ...(overrides.windowSeconds !== undefined ? { windowSeconds: overrides.windowSeconds } : {}),
    ...(overrides.minSegmentSeconds !== undefined ? { minSegmentSeconds: overrides.minSegmentSeconds } : {}),
    ...(overrides.mergeGapSeconds !== undefined ? { mergeGapSeconds: overrides.mergeGapSeconds } : {}),
    ...(overrides.hysteresis !== undefined ? { hysteresis: overrides.hysteresis } : {}),
  };
  const fpsNum = video.fps_num ?? 25;
  const fpsDen = video.fps_den ?? 1;
  const frameCount = bestFrameCount(video, { num: fpsNum, den: fpsDen });
  const segments = computeSegments(stored, params, { duration: video.duration, frameCount, frameDuration: fpsDen / fpsNum });
  const storedCount = await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('prediction_runs')
      .set({ params_json: JSON.stringify(params) })
      .where('id', '=', run.id)
      .execute();
    return replacePredictionSegments(trx, { videoId, model, modelVersion: run.model_version, runId: run.id, params, segments });
  });
  services.events.emit({ type: 'data.changed', videoId, topic: 'segments' });
  // What was stored: spans a reviewer ruled on get no new prediction.
  return { params, segments: storedCount };
}
