import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { nowIso } from '../db/open.js';
import { defineJobKind } from '../jobs/kind.js';
import { artifactRelDir } from '../library/import-job.js';
import { requireProbedVideo } from '../library/video-jobs.js';
import { bestFrameCount, getVideoSummary } from '../library/videos.js';
import { FramewiseError } from '../util/errors.js';
import type { Fraction } from '../util/fraction.js';
import { defaultIntraOpThreads } from './inference-pool.js';
import { tensorSpecOf, wantsRoi } from './manifest.js';
import { resolveRoi } from './integration.js';
import { BUILTIN_GRAPH_OPTIMIZATION } from './builtin-model.js';
import { ensureBuiltinModel, getStoredModel } from './model-store.js';
import { runPipeline } from './pipeline.js';
import { ScoresWriter, readScores } from './scores.js';
import { replacePredictionSegments } from './segment-store.js';
import { computeSegments, type SegmentParams } from './segments.js';

export const predictInput = z.object({
  videoId: z.number().int().positive(),
  model: z.string().min(1).max(100),
  /** Samples per second; null = every frame. */
  sampleFps: z.number().positive().max(240).nullable(),
  batchSize: z.number().int().min(1).max(256).default(8),
  threads: z.number().int().min(1).max(64).nullable().default(null),
  /**
   * The endoscope region (display pixels) for models with `crop: "roi"`. Filled by the caller from the device
   * profile / auto-detection (OCR capability) when it exists; null = whole frame.
   */
  roi: z
    .object({ x: z.number().int().min(0), y: z.number().int().min(0), width: z.number().int().min(2), height: z.number().int().min(2) })
    .nullable()
    .default(null),
});
export type PredictInput = z.infer<typeof predictInput>;

const computedSegment = z.object({
  label: z.string(),
  start: z.number(),
  end: z.number(),
  startFrame: z.number().int(),
  endFrame: z.number().int(),
  meanScore: z.number(),
  maxScore: z.number(),
});

export const predictOutput = z.object({
  runId: z.number().int(),
  model: z.string(),
  modelVersion: z.string(),
  samples: z.number().int(),
  labels: z.array(z.string()),
  /** Segments per label after this run. */
  segmentCounts: z.record(z.string(), z.number().int()),
  /** Relative to the artifacts folder. */
  scoresPath: z.string(),
  /** The previous run's scores file, removed after commit. */
  replacedScoresPath: z.string().nullable().default(null),
  /** Measured decode and inference time per batch (ms) and the largest queue between them (batches). */
  pipeline: z.object({ decodeMs: z.number().nullable(), inferMs: z.number().nullable(), maxQueue: z.number().int() }).optional(),
  /** Set while running; moved into the database at commit. */
  pending: z
    .object({
      modelSha256: z.string(),
      jobId: z.number().int(),
      params: z.unknown(),
      segments: z.array(computedSegment),
    })
    .optional(),
});
export type PredictOutput = z.infer<typeof predictOutput>;

async function sha256Of(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Segment parameters of a model (manifest values, with the global defaults). */
export function segmentParamsOf(m: {
  thresholds: Record<string, number> & { default: number };
  smoothing: { windowSeconds: number; minSegmentSeconds: number; mergeGapSeconds: number; hysteresis: number };
}): SegmentParams {
  return {
    thresholds: { ...m.thresholds },
    windowSeconds: m.smoothing.windowSeconds,
    minSegmentSeconds: m.smoothing.minSegmentSeconds,
    mergeGapSeconds: m.smoothing.mergeGapSeconds,
    hysteresis: m.smoothing.hysteresis,
  };
}

const safeName = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_');

/**
 * Run a model over a video: ffmpeg decodes and resizes frames into an inference worker; scores are streamed to a
 * compact file; segments are computed from them and stored, replacing only this model's prediction segments.
 */
export const predictJob = defineJobKind({
  kind: 'predict',
  title: 'Predict',
  input: predictInput,
  output: predictOutput,
  videoId: (i) => i.videoId,
  maxAttempts: 2,
  async precondition(services, input) {
    await requireProbedVideo(services, input.videoId);
    await ensureBuiltinModel(services);
    await getStoredModel(services.db.reader, services.dataDir, input.model);
  },
  async run(ctx, input) {
    const { services, signal } = ctx;
    const video = await requireProbedVideo(services, input.videoId);
    const model = await getStoredModel(services.db.reader, services.dataDir, input.model);
    const m = model.manifest;
    ctx.progress(0, 'loading model');
    const digest = await sha256Of(model.file).catch(() => {
      throw new FramewiseError(
        'invalid_model',
        `Model "${m.name}": its file ${model.file} is missing from the library; add the model again`,
      );
    });
    if (digest !== model.row.sha256) {
      throw new FramewiseError(
        'invalid_model',
        `Model "${m.name}": its file in the library changed (sha256 ${digest.slice(0, 12)}… ≠ ${model.row.sha256.slice(0, 12)}…); add the model again`,
      );
    }
    const fps: Fraction = { num: video.fps_num!, den: video.fps_den! };
    const spec = tensorSpecOf(m, m.labels.length, m.output.activation);
    // `crop: "roi"`: the region given with the request, else the registered resolver's (OCR), else the whole
    // frame (recorded in the run's parameters).
    const roiRequested = wantsRoi(m);
    const crop = roiRequested
      ? (input.roi ?? (await resolveRoi(services, video.id, { width: video.display_width, height: video.display_height })))
      : null;
    const work = await ctx.workDir();
    const tmpScores = path.join(work, 'scores.fwscores');
    const writer = new ScoresWriter(tmpScores, {
      labels: m.labels,
      model: m.name,
      modelVersion: m.version,
      modelSha256: model.row.sha256,
      fps: `${fps.num}/${fps.den}`,
      sampleFps: input.sampleFps,
      activation: m.output.activation,
      createdAt: nowIso(),
    });
    const duration = video.duration > 0 ? video.duration : 1;
    ctx.progress(0.01, 'predicting');
    let pipeline: PredictOutput['pipeline'];
    try {
      await runPipeline({
        ffmpeg: services.ffmpeg,
        input: video.path,
        geometry: { width: m.input.width, height: m.input.height, colorOrder: m.input.colorOrder, resize: m.input.resize, crop },
        sampling: { fps, sampleFps: input.sampleFps },
        modelPath: model.file,
        spec,
        batchSize: input.batchSize,
        intraOpThreads: input.threads ?? defaultIntraOpThreads(),
        graphOptimization: model.row.builtin === 1 ? BUILTIN_GRAPH_OPTIMIZATION : 'all',
        signal,
        onProgress: (t) => ctx.progress(0.01 + 0.96 * Math.min(1, t / duration), 'predicting'),
        onScores: (times, frames, scores, count) => writer.append(times, frames, scores, count),
        onQueueStats: (q) => {
          const r1 = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);
          pipeline = { decodeMs: r1(q.decodeMs), inferMs: r1(q.inferMs), maxQueue: q.maxSize };
        },
      });
      await writer.close();
    } catch (err) {
      writer.destroy();
      throw err;
    }
    if (writer.samples === 0) throw new FramewiseError('undecodable', `${video.path}: no frame could be decoded for prediction`);
    ctx.progress(0.98, 'segments');
    const stored = await readScores(tmpScores);
    const params = segmentParamsOf(m);
    const frameCount = bestFrameCount(video, fps);
    const segments = computeSegments(stored, params, { duration: video.duration, frameCount, frameDuration: fps.den / fps.num });
    const rel = path.join(artifactRelDir(video.sha256), 'predictions', `${safeName(m.name)}-job${ctx.jobId}.fwscores`);
    const dest = path.join(services.artifactsDir, rel);
    await mkdir(path.dirname(dest), { recursive: true });
    await rename(tmpScores, dest);
    const counts: Record<string, number> = Object.fromEntries(m.labels.map((l) => [l, 0]));
    for (const s of segments) counts[s.label] = (counts[s.label] ?? 0) + 1;
    return {
      runId: 0,
      model: m.name,
      modelVersion: m.version,
      samples: writer.samples,
      labels: m.labels,
      segmentCounts: counts,
      scoresPath: rel,
      replacedScoresPath: null,
      ...(pipeline ? { pipeline } : {}),
      pending: {
        modelSha256: model.row.sha256,
        jobId: ctx.jobId,
        params: { ...params, sampleFps: input.sampleFps, roi: roiRequested ? (crop ?? 'unavailable: whole frame') : null },
        segments,
      },
    };
  },
  async commit(trx, input, output) {
    const p = output.pending;
    if (!p) return output;
    const old = await trx
      .selectFrom('prediction_runs')
      .select(['id', 'scores_path'])
      .where('video_id', '=', input.videoId)
      .where('model_name', '=', output.model)
      .executeTakeFirst();
    if (old) await trx.deleteFrom('prediction_runs').where('id', '=', old.id).execute();
    const run = await trx
      .insertInto('prediction_runs')
      .values({
        video_id: input.videoId,
        model_name: output.model,
        model_version: output.modelVersion,
        model_sha256: p.modelSha256,
        labels_json: JSON.stringify(output.labels),
        params_json: JSON.stringify(p.params),
        sample_fps: input.sampleFps,
        samples: output.samples,
        scores_path: output.scoresPath,
        job_id: p.jobId,
        created_at: nowIso(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await replacePredictionSegments(trx, {
      videoId: input.videoId,
      model: output.model,
      modelVersion: output.modelVersion,
      runId: run.id,
      params: p.params as SegmentParams & { sampleFps: number | null },
      segments: p.segments,
    });
    const { pending: _pending, ...rest } = output;
    return { ...rest, runId: run.id, replacedScoresPath: old && old.scores_path !== output.scoresPath ? old.scores_path : null };
  },
  async afterCommit(services, input, output) {
    if (output.replacedScoresPath) await rm(path.join(services.artifactsDir, output.replacedScoresPath), { force: true });
    services.events.emit({ type: 'data.changed', videoId: input.videoId, topic: 'segments' });
    services.events.emit({ type: 'video.changed', video: await getVideoSummary(services.db.reader, input.videoId) });
  },
});
