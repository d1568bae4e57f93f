import path from 'node:path';
import type { PredictionScores } from '../api/types.js';
import type { PartialHandlers } from '../handlers.js';
import { resolveVideoRef } from '../library/videos.js';
import { thresholdFor } from './manifest.js';
import { addModel, defaultModelName, ensureBuiltinModel, getStoredModel, listModels, removeModel, setDefaultModel } from './model-store.js';
import { readScores } from './scores.js';
import { getSegments } from './segment-store.js';
import { resegment } from './resegment.js';

type PredictCommands =
  | 'models.add'
  | 'models.list'
  | 'models.remove'
  | 'models.setDefault'
  | 'predict.run'
  | 'predict.runs'
  | 'predict.scores'
  | 'predict.resegment'
  | 'segments.list';

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

export const predictHandlers: PartialHandlers<PredictCommands> = {
  async 'models.add'(core, input) {
    await ensureBuiltinModel(core.services);
    return addModel(core.services, input.manifestPath, input.setDefault ? { setDefault: true } : {});
  },
  async 'models.list'(core) {
    await ensureBuiltinModel(core.services);
    return listModels(core.services.db.reader);
  },
  async 'models.remove'(core, input) {
    await ensureBuiltinModel(core.services);
    return removeModel(core.services, input.name);
  },
  async 'models.setDefault'(core, input) {
    await ensureBuiltinModel(core.services);
    return setDefaultModel(core.services.db.writer, input.name);
  },
  async 'predict.run'(core, input) {
    const s = core.services;
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
  async 'predict.runs'(core, input) {
    const db = core.services.db.reader;
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
  },
  async 'predict.scores'(core, input) {
    const s = core.services;
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
  async 'predict.resegment'(core, input) {
    const s = core.services;
    const videoId = await resolveVideoRef(s.db.reader, input.video);
    const { video: _v, model, ...overrides } = input;
    return resegment(s, videoId, model, overrides);
  },
  async 'segments.list'(core, input) {
    const db = core.services.db.reader;
    const videoId = await resolveVideoRef(db, input.video);
    return getSegments(db, videoId, {
      ...(input.labels ? { labels: input.labels } : {}),
      ...(input.model ? { model: input.model } : {}),
      ...(input.sources ? { sources: input.sources } : {}),
      ...(input.validatedOnly ? { validatedOnly: true } : {}),
      ...(input.includeInactive ? { includeInactive: true } : {}),
    });
  },
};
