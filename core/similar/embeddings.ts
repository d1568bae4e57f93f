/**
 * Clip embeddings: each clip's keyframes (three, spread as the clips' keyframe images are) decoded at the model's
 * input size through a pipe, run through the model in the inference worker (the one predictions use), pooled and
 * normalised as the manifest says, averaged per clip and stored as float32. A clip is embedded again only when
 * the model (manifest or .onnx file) changed.
 */
import { keyframeFrames } from '../clips/media.js';
import { activeRows, toClips, type Clip } from '../clips/store.js';
import { readFrameRgb } from '../ffmpeg/raw-frame.js';
import { getVideoRow } from '../library/videos.js';
import { InferenceWorker } from '../predict/inference-pool.js';
import type { EmbeddingManifest } from '../predict/manifest.js';
import { numberingFps } from '../scenes/store.js';
import type { Services } from '../services.js';
import { FramewiseError } from '../util/errors.js';
import { frameToTime } from '../util/fraction.js';
import { embeddingTables, type EmbeddingModel } from './embedding-store.js';
import { floatsOf, toBlob, type Db } from './store.js';
import { normalise, type VectorSet } from './vector-search.js';

export const KEYFRAMES_PER_CLIP = 3;

/** One frame's model output → its embedding: mean over tokens (pooling "mean"), then the normalisation. */
export function poolAndNormalise(values: Float32Array, m: EmbeddingManifest): Float32Array {
  const dim = m.output.length;
  const tokens = m.output.pooling === 'mean' ? m.output.tokens! : 1;
  const v = new Float32Array(dim);
  for (let t = 0; t < tokens; t++) for (let d = 0; d < dim; d++) v[d] = v[d]! + values[t * dim + d]! / tokens;
  return m.output.normalisation === 'l2' ? normalise(v) : v;
}

/** Per-clip mean of its keyframes' embeddings (normalised again under "l2"). */
export function meanVector(vectors: Float32Array[], m: EmbeddingManifest): Float32Array {
  const out = new Float32Array(m.output.length);
  for (const v of vectors) for (let i = 0; i < out.length; i++) out[i] = out[i]! + v[i]! / vectors.length;
  return m.output.normalisation === 'l2' ? normalise(out) : out;
}

async function keyframePixels(s: Services, file: string, times: number[], m: EmbeddingManifest): Promise<ArrayBuffer> {
  const { width, height } = m.input;
  const frameBytes = width * height * 3;
  const all = new Uint8Array(times.length * frameBytes);
  for (const [i, t] of times.entries()) {
    const rgb = await readFrameRgb(s.ffmpeg, file, t, { width, height });
    if (!rgb) throw new FramewiseError('undecodable', `${file}: the frame at ${t.toFixed(3)} s could not be decoded`);
    if (m.input.colorOrder === 'BGR') for (let p = 0; p < rgb.length; p += 3) [rgb[p], rgb[p + 2]] = [rgb[p + 2]!, rgb[p]!];
    all.set(rgb, i * frameBytes);
  }
  return all.buffer;
}

/** Embed every active clip of `videoIds` that has no embedding from this version of the model. */
export async function ensureClipEmbeddings(s: Services, model: EmbeddingModel, videoIds: number[]): Promise<number> {
  const m = model.manifest;
  if (m.input.resize !== 'stretch')
    throw new FramewiseError('invalid_model', `${model.name}: embedding models take "resize": "stretch" for now`);
  const current = new Set(
    (
      await embeddingTables(s.db.reader)
        .selectFrom('clip_embeddings')
        .select('clip_id')
        .where('model_name', '=', model.name)
        .where('model_key', '=', model.modelKey)
        .execute()
    ).map((r) => r.clip_id),
  );
  const perFrame = m.output.length * (m.output.pooling === 'mean' ? m.output.tokens! : 1);
  let worker: InferenceWorker | null = null;
  let embedded = 0;
  try {
    for (const videoId of videoIds) {
      const row = await getVideoRow(s.db.reader, videoId);
      const fps = numberingFps(row);
      const clips: Clip[] = toClips(await activeRows(s.db.reader, videoId), fps).filter((c) => !current.has(c.id));
      for (const c of clips) {
        worker ??= await InferenceWorker.start(model.modelPath, {
          inputName: m.input.name,
          outputName: m.output.name,
          layout: m.input.layout,
          width: m.input.width,
          height: m.input.height,
          scale: m.input.scale,
          mean: m.input.mean,
          std: m.input.std,
          labels: perFrame,
          activation: 'none',
          maxBatch: null,
        });
        const frames = [...new Set(keyframeFrames(c.startFrame, c.endFrame, KEYFRAMES_PER_CLIP))];
        const out = await worker.infer(
          await keyframePixels(
            s,
            row.path,
            frames.map((f) => frameToTime(f, fps)),
            m,
          ),
          frames.length,
        );
        const vectors = frames.map((_, i) => poolAndNormalise(out.subarray(i * perFrame, (i + 1) * perFrame), m));
        const values = {
          clip_id: c.id,
          model_name: model.name,
          model_key: model.modelKey,
          video_id: videoId,
          keyframes: frames.length,
          vector: toBlob(meanVector(vectors, m)),
        };
        await embeddingTables(s.db.writer)
          .insertInto('clip_embeddings')
          .values(values)
          .onConflict((oc) => oc.columns(['clip_id', 'model_name']).doUpdateSet(values))
          .execute();
        embedded++;
      }
    }
  } finally {
    await worker?.close();
  }
  return embedded;
}

/** The active clips' embeddings from this model version, as unit vectors for cosine search. */
export async function clipEmbeddingVectors(
  db: Db,
  model: EmbeddingModel,
): Promise<{ set: VectorSet; refs: Array<{ clipId: number; videoId: number }> }> {
  const rows = await embeddingTables(db)
    .selectFrom('clip_embeddings')
    .innerJoin('clips', 'clips.id', 'clip_embeddings.clip_id')
    .select(['clip_embeddings.clip_id', 'clip_embeddings.video_id', 'vector'])
    .where('model_name', '=', model.name)
    .where('model_key', '=', model.modelKey)
    .where('clips.retired_by', 'is', null)
    .execute();
  const dim = model.manifest.output.length;
  const data = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => data.set(normalise(floatsOf(r.vector)), i * dim));
  return { set: { dim, data, count: rows.length }, refs: rows.map((r) => ({ clipId: r.clip_id, videoId: r.video_id })) };
}

/** A stored clip embedding as saved (before the search's normalisation), for tests and the API. */
export async function storedEmbedding(db: Db, clipId: number, modelName: string): Promise<Float32Array | null> {
  const r = await embeddingTables(db)
    .selectFrom('clip_embeddings')
    .select('vector')
    .where('clip_id', '=', clipId)
    .where('model_name', '=', modelName)
    .executeTakeFirst();
  return r ? floatsOf(r.vector) : null;
}
