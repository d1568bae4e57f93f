/**
 * Clip embeddings: each clip's keyframes (three, spread as the clips' keyframe images are) decoded at the model's
 * input size through a pipe, run through the model in the inference worker (the one predictions use), pooled and
 * normalised as the manifest says, averaged per clip and stored as float32 by the `clip-embeddings` job (in one
 * transaction at its end). A clip is embedded again only when the model (manifest or .onnx file) changed.
 */
import { keyframeFrames } from '../clips/media.js';
import { activeRows, toClips, type Clip } from '../clips/store.js';
import { readFrameRgb } from '../ffmpeg/raw-frame.js';
import { onFileTime, videoStartOf } from '../ffmpeg/file-time.js';
import { getVideoRow } from '../library/videos.js';
import { InferenceWorker } from '../predict/inference-pool.js';
import { tensorSpecOf, type EmbeddingManifest } from '../predict/manifest.js';
import { numberingFps } from '../scenes/store.js';
import type { Services } from '../services.js';
import { cancelled, FramewiseError } from '../util/errors.js';
import { frameToTime } from '../util/fraction.js';
import { embeddingTables, type EmbeddingModel } from './embedding-store.js';
import { floatsOf, liveClipIds, toBlob, type Db } from './store.js';
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

async function framePixels(s: Services, file: string, times: number[], m: EmbeddingManifest, signal?: AbortSignal): Promise<ArrayBuffer> {
  const { width, height } = m.input;
  const frameBytes = width * height * 3;
  const all = new Uint8Array(times.length * frameBytes);
  for (const [i, t] of times.entries()) {
    const rgb = await readFrameRgb(s.ffmpeg, file, t, { width, height }, signal);
    if (!rgb) throw new FramewiseError('undecodable', `${file}: the frame at ${t.toFixed(3)} s could not be decoded`);
    all.set(rgb, i * frameBytes);
  }
  return all.buffer;
}

/** Packed RGB frames at the model's input size → the channel order the model takes (in place). */
function toModelOrder(pixels: Uint8Array, m: EmbeddingManifest): void {
  if (m.input.colorOrder === 'BGR') for (let p = 0; p < pixels.length; p += 3) [pixels[p], pixels[p + 2]] = [pixels[p + 2]!, pixels[p]!];
}

function requireStretch(model: EmbeddingModel): void {
  if (model.manifest.input.resize !== 'stretch')
    throw new FramewiseError('invalid_model', `${model.name}: embedding models take "resize": "stretch" for now`);
}

const valuesPerFrame = (m: EmbeddingManifest) => m.output.length * (m.output.pooling === 'mean' ? m.output.tokens! : 1);

/** The model's inference worker (the one predictions use), for raw vectors: no activation. */
function startWorker(model: EmbeddingModel): Promise<InferenceWorker> {
  const m = model.manifest;
  return InferenceWorker.start(model.modelPath, tensorSpecOf(m, valuesPerFrame(m), 'none'));
}

export interface ClipEmbeddingRow {
  clip_id: number;
  model_name: string;
  model_key: string;
  video_id: number;
  keyframes: number;
  vector: Uint8Array;
}

/** Videos with at least one active clip without an embedding from this version of the model. */
export async function videosMissingClipEmbeddings(db: Db, model: EmbeddingModel): Promise<number[]> {
  const rows = await embeddingTables(db)
    .selectFrom('clips')
    .leftJoin('clip_embeddings', (j) =>
      j
        .onRef('clip_embeddings.clip_id', '=', 'clips.id')
        .on('clip_embeddings.model_name', '=', model.name)
        .on('clip_embeddings.model_key', '=', model.modelKey),
    )
    .select('clips.video_id')
    .distinct()
    .where('clips.retired_by', 'is', null)
    .where('clip_embeddings.clip_id', 'is', null)
    .orderBy('clips.video_id')
    .execute();
  return rows.map((r) => r.video_id);
}

/** Embed the active clips of a video that have no embedding from this model version (nothing is written here). */
export async function computeClipEmbeddings(
  s: Services,
  model: EmbeddingModel,
  videoId: number,
  opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<ClipEmbeddingRow[]> {
  requireStretch(model);
  const m = model.manifest;
  const current = new Set(
    (
      await embeddingTables(s.db.reader)
        .selectFrom('clip_embeddings')
        .select('clip_id')
        .where('video_id', '=', videoId)
        .where('model_name', '=', model.name)
        .where('model_key', '=', model.modelKey)
        .execute()
    ).map((r) => r.clip_id),
  );
  const row = await getVideoRow(s.db.reader, videoId);
  const fps = numberingFps(row);
  const clips: Clip[] = toClips(await activeRows(s.db.reader, videoId), fps).filter((c) => !current.has(c.id));
  if (!clips.length) return [];
  const perFrame = valuesPerFrame(m);
  const out: ClipEmbeddingRow[] = [];
  const worker = await startWorker(model);
  try {
    for (const [i, c] of clips.entries()) {
      if (opts.signal?.aborted) throw cancelled();
      const frames = [...new Set(keyframeFrames(c.startFrame, c.endFrame, KEYFRAMES_PER_CLIP))];
      const pixels = await framePixels(
        s,
        row.path,
        frames.map((f) => onFileTime(videoStartOf(row))(frameToTime(f, fps))),
        m,
        opts.signal,
      );
      toModelOrder(new Uint8Array(pixels), m);
      const values = await worker.infer(pixels, frames.length);
      const vectors = frames.map((_, k) => poolAndNormalise(values.subarray(k * perFrame, (k + 1) * perFrame), m));
      out.push({
        clip_id: c.id,
        model_name: model.name,
        model_key: model.modelKey,
        video_id: videoId,
        keyframes: frames.length,
        vector: toBlob(meanVector(vectors, m)),
      });
      opts.onProgress?.(i + 1, clips.length);
    }
  } finally {
    await worker.close();
  }
  return out;
}

/** Store clip embeddings (inside the job's transaction); clips removed meanwhile are skipped. */
export async function saveClipEmbeddings(db: Db, rows: ClipEmbeddingRow[]): Promise<number> {
  if (!rows.length) return 0;
  const live = await liveClipIds(
    db,
    rows.map((r) => r.clip_id),
  );
  let saved = 0;
  for (const values of rows) {
    if (!live.has(values.clip_id)) continue;
    await embeddingTables(db)
      .insertInto('clip_embeddings')
      .values(values)
      .onConflict((oc) => oc.columns(['clip_id', 'model_name']).doUpdateSet(values))
      .execute();
    saved++;
  }
  return saved;
}

/** The embedding of one picture (packed RGB at the model's input size), as a unit vector for the search. */
export async function embedPicture(model: EmbeddingModel, rgb: Uint8Array): Promise<Float32Array> {
  requireStretch(model);
  const m = model.manifest;
  const pixels = new Uint8Array(rgb);
  toModelOrder(pixels, m);
  const worker = await startWorker(model);
  try {
    const values = await worker.infer(pixels.buffer, 1);
    return normalise(poolAndNormalise(values, m));
  } finally {
    await worker.close();
  }
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
