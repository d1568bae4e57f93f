/**
 * The clip jobs of the similar capability: `clip-fingerprints` (one tiny frame per clip) and `clip-embeddings`
 * (a model's vector per clip). Both report progress per clip (the runner derives the ETA), stop their ffmpeg and
 * inference worker when cancelled and write everything in one transaction at the end, so a cancelled job stores
 * nothing. Commands that need them queue the jobs for the videos that lack data and wait for them.
 */
import { z } from 'zod';
import { defineJobKind } from '../jobs/kind.js';
import type { JobSummary } from '../jobs/types.js';
import { requireProbedVideo } from '../library/video-jobs.js';
import type { Services } from '../services.js';
import { cancelled, FramewiseError } from '../util/errors.js';
import { computeClipFingerprints, saveClipFingerprints, videosMissingClipFingerprints } from './clip-fingerprints.js';
import { getEmbeddingModel, type EmbeddingModel } from './embedding-store.js';
import { computeClipEmbeddings, saveClipEmbeddings, videosMissingClipEmbeddings } from './embeddings.js';

const videoId = z.number().int().positive();

export const clipFingerprintsJob = defineJobKind({
  kind: 'clip-fingerprints',
  title: 'Fingerprint the clips',
  input: z.object({ videoId }).strict(),
  output: z.object({ clips: z.number().int() }),
  videoId: (i) => i.videoId,
  precondition: async (s, i) => void (await requireProbedVideo(s, i.videoId)),
  async run(ctx, input) {
    const rows = await computeClipFingerprints(ctx.services, input.videoId, {
      signal: ctx.signal,
      onProgress: (done, total) => ctx.progress(done / total, 'clips'),
    });
    if (ctx.signal.aborted) throw cancelled();
    const clips = await ctx.services.db.writer.transaction().execute((trx) => saveClipFingerprints(trx, rows));
    return { clips };
  },
});

export const clipEmbeddingsJob = defineJobKind({
  kind: 'clip-embeddings',
  title: 'Embed the clips with a model',
  input: z.object({ videoId, model: z.string().min(1).max(100) }).strict(),
  output: z.object({ clips: z.number().int(), modelKey: z.string() }),
  videoId: (i) => i.videoId,
  precondition: async (s, i) => {
    await requireProbedVideo(s, i.videoId);
    await getEmbeddingModel(s, i.model);
  },
  async run(ctx, input) {
    const model = await getEmbeddingModel(ctx.services, input.model);
    const rows = await computeClipEmbeddings(ctx.services, model, input.videoId, {
      signal: ctx.signal,
      onProgress: (done, total) => ctx.progress(done / total, 'clips'),
    });
    if (ctx.signal.aborted) throw cancelled();
    const clips = await ctx.services.db.writer.transaction().execute((trx) => saveClipEmbeddings(trx, rows));
    return { clips, modelKey: model.modelKey };
  },
});

/**
 * Queue the clip jobs the library still needs for a search (fingerprints, or a model's embeddings), one per
 * video lacking data; `videoIds` limits to those videos. Returns the jobs (shared with identical queued ones).
 */
export async function queueClipJobs(s: Services, opts: { model?: EmbeddingModel | null; videoIds?: number[] } = {}): Promise<number[]> {
  const missing = opts.model
    ? await videosMissingClipEmbeddings(s.db.reader, opts.model)
    : await videosMissingClipFingerprints(s.db.reader);
  const wanted = opts.videoIds ? missing.filter((v) => opts.videoIds!.includes(v)) : missing;
  const ids: number[] = [];
  for (const v of wanted) {
    try {
      const { job } = opts.model
        ? await s.jobs.enqueue('clip-embeddings', { videoId: v, model: opts.model.name })
        : await s.jobs.enqueue('clip-fingerprints', { videoId: v });
      ids.push(job.id);
    } catch (err) {
      // A video whose file is gone (or not probed) cannot be read: a library-wide search goes on without its
      // clips; asking for that video alone says why.
      if (!(err instanceof FramewiseError && err.code === 'precondition') || opts.videoIds) throw err;
    }
  }
  return ids;
}

/** Wait for jobs; the first that did not succeed fails the caller with its own error (cancelled stays cancelled). */
export async function awaitClipJobs(s: Services, ids: number[]): Promise<JobSummary[]> {
  const done = await Promise.all(ids.map((id) => s.jobs.waitFor(id)));
  const bad = done.find((j) => j.state !== 'succeeded');
  if (bad?.state === 'cancelled') throw cancelled();
  if (bad)
    throw new FramewiseError(
      bad.error?.code ?? 'internal',
      `${bad.kind} of video ${bad.videoId ?? '?'}: ${bad.error?.message ?? 'did not finish'}`,
    );
  return done;
}
