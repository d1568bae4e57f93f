import path from 'node:path';
import type { PredictionScores } from '../predict/types.js';
import { z } from 'zod';
import { command } from '../capability.js';
import { videoRefSchema as videoRef } from '../util/schemas.js';
import { resolveVideoRef } from '../library/videos.js';
import { thresholdFor } from './manifest.js';
import { addModel, defaultModelName, ensureBuiltinModel, getStoredModel, listModels, removeModel, setDefaultModel } from './model-store.js';
import { readScores } from './scores.js';
import { resegment } from './resegment.js';

/** Max of each label's scores per time bucket: a display curve that never hides a short peak. */
export function downsampleScores(
  times: Float64Array,
  scores: Float32Array,
  labels: number,
  maxPoints: number,
): { times: number[]; scores: number[][] } {
  const n = times.length;
  const out: number[][] = Array.from({ length: labels }, () => []);
  const outTimes: number[] = [];
  const per = Math.max(1, Math.ceil(n / maxPoints));
  for (let start = 0; start < n; start += per) {
    const end = Math.min(n, start + per);
    outTimes.push(times[start]!);
    for (let l = 0; l < labels; l++) {
      let max = -Infinity;
      for (let i = start; i < end; i++) max = Math.max(max, scores[i * labels + l]!);
      out[l]!.push(Math.round(max * 10000) / 10000);
    }
  }
  return { times: outTimes, scores: out };
}

/** Prediction models and runs: models.*, predict.* (segments.list lives with review). */
export const predictCommands = {
  'models.add': command(
    z.object({ manifestPath: z.string().min(1).max(4096), setDefault: z.boolean().optional() }).strict(),
    async (s, input) => {
      await ensureBuiltinModel(s);
      return addModel(s, input.manifestPath, input.setDefault ? { setDefault: true } : {});
    },
  ),
  'models.list': command(z.object({}).strict(), async (s) => {
    await ensureBuiltinModel(s);
    return listModels(s.db.reader);
  }),
  'models.remove': command(z.object({ name: z.string().min(1).max(100) }).strict(), async (s, input) => {
    await ensureBuiltinModel(s);
    return removeModel(s, input.name);
  }),
  'models.setDefault': command(z.object({ name: z.string().min(1).max(100) }).strict(), async (s, input) => {
    await ensureBuiltinModel(s);
    return setDefaultModel(s.db.writer, input.name);
  }),
  'predict.run': command(
    z
      .object({
        video: videoRef,
        model: z.string().min(1).max(100).optional(),
        fps: z.union([z.number().positive().max(240), z.literal('all')]).optional(),
        /** Endoscope region for models with `crop: "roi"` (until the OCR capability supplies it). */
        roi: z
          .object({
            x: z.number().int().min(0),
            y: z.number().int().min(0),
            width: z.number().int().min(2),
            height: z.number().int().min(2),
          })
          .optional(),
      })
      .strict(),
    async (s, input) => {
      await ensureBuiltinModel(s);
      const videoId = await resolveVideoRef(s.db.reader, input.video);
      const model = input.model ?? (await defaultModelName(s.db.reader));
      await getStoredModel(s.db.reader, s.dataDir, model);
      const settings = await s.settings();
      const sampleFps = input.fps === 'all' ? null : (input.fps ?? settings.predictSampleFps);
      const { job, existing } = await s.jobs.enqueue('predict', {
        videoId,
        model,
        sampleFps,
        batchSize: settings.predictBatchSize,
        threads: settings.predictThreads,
        roi: input.roi ?? null,
      });
      return { job, existing, model, sampleFps };
    },
  ),
  'predict.runs': command(z.object({ video: videoRef }).strict(), async (s, input) => {
    const db = s.db.reader;
    const videoId = await resolveVideoRef(db, input.video);
    const rows = await db.selectFrom('prediction_runs').selectAll().where('video_id', '=', videoId).orderBy('model_name').execute();
    return rows.map((r) => ({
      id: r.id,
      videoId: r.video_id,
      model: r.model_name,
      modelVersion: r.model_version,
      labels: JSON.parse(r.labels_json) as string[],
      sampleFps: r.sample_fps,
      samples: r.samples,
      params: JSON.parse(r.params_json) as unknown,
      jobId: r.job_id,
      createdAt: r.created_at,
    }));
  }),
  'predict.scores': command(
    z
      .object({ video: videoRef, model: z.string().min(1).max(100).optional(), maxPoints: z.number().int().min(10).max(100000).optional() })
      .strict(),
    async (s, input) => {
      const videoId = await resolveVideoRef(s.db.reader, input.video);
      let q = s.db.reader.selectFrom('prediction_runs').selectAll().where('video_id', '=', videoId);
      if (input.model) q = q.where('model_name', '=', input.model);
      const run = await q.orderBy('id', 'desc').executeTakeFirst();
      if (!run) return null;
      const stored = await readScores(path.join(s.artifactsDir, run.scores_path));
      const params = JSON.parse(run.params_json) as { thresholds?: Record<string, number> & { default: number } };
      const thresholds = Object.fromEntries(
        stored.labels.map((l) => [l, params.thresholds ? thresholdFor({ thresholds: params.thresholds }, l) : 0.5]),
      );
      const { times, scores } = downsampleScores(stored.times, stored.scores, stored.labels.length, input.maxPoints ?? 2000);
      const result: PredictionScores = {
        videoId,
        model: run.model_name,
        modelVersion: run.model_version,
        labels: stored.labels,
        thresholds,
        sampleFps: run.sample_fps,
        samples: run.samples,
        times,
        scores,
        createdAt: run.created_at,
      };
      return result;
    },
  ),
  'predict.resegment': command(
    z
      .object({
        video: videoRef,
        model: z.string().min(1).max(100),
        thresholds: z.record(z.string().min(1).max(100), z.number().min(0).max(1)).optional(),
        windowSeconds: z.number().min(0).max(600).optional(),
        minSegmentSeconds: z.number().min(0).max(36000).optional(),
        mergeGapSeconds: z.number().min(0).max(3600).optional(),
        hysteresis: z.number().min(0).max(1).optional(),
      })
      .strict(),
    async (s, input) => {
      const videoId = await resolveVideoRef(s.db.reader, input.video);
      const { video: _v, model, ...overrides } = input;
      return resegment(s, videoId, model, overrides);
    },
  ),
};
