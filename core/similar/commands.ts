import { z } from 'zod';
import { command } from '../capability.js';
import { removeVideos } from '../library/remove.js';
import { resolveVideoRef } from '../library/videos.js';
import { activeSegments } from '../segments/store.js';
import type { Services } from '../services.js';
import { FramewiseError } from '../util/errors.js';
import type { Clip } from '../clips/store.js';
import { activeClips, clipFingerprintVectors } from './clip-fingerprints.js';
import { awaitClipJobs, queueClipJobs } from './clip-jobs.js';
import { resolveExample } from './example.js';
import { decideNearDuplicate, hasFingerprint, listNearDuplicates, type NearDuplicate } from './store.js';
import { nearest } from './vector-search.js';
import { getEmbeddingModel, listEmbeddingModels } from './embedding-store.js';
import { clipEmbeddingVectors, storedEmbedding } from './embeddings.js';

const videoRef = z.union([z.number().int().positive(), z.string().min(1)]);
export const SCOPES = ['all', 'same', 'other'] as const;

export interface NearDuplicatePair extends NearDuplicate {
  videoName: string;
  otherName: string;
}

async function names(s: Services, ids: number[]): Promise<Map<number, string>> {
  if (!ids.length) return new Map();
  const rows = await s.db.reader.selectFrom('videos').select(['id', 'name']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** The frame ranges of the active segments with `label`, per video. */
async function labelledRanges(s: Services, label: string): Promise<Map<number, Array<{ start: number; end: number }>>> {
  const rows = await activeSegments(s.db.reader)
    .select(['s.video_id', 's.start_frame', 's.end_frame'])
    .where('s.label', '=', label)
    .execute();
  const out = new Map<number, Array<{ start: number; end: number }>>();
  for (const r of rows) out.set(r.video_id, [...(out.get(r.video_id) ?? []), { start: r.start_frame, end: r.end_frame }]);
  return out;
}

export interface SimilarClip {
  videoId: number;
  videoName: string;
  clipId: number;
  /** The clip's position in its video, from 1. */
  n: number;
  startFrame: number;
  endFrame: number;
  start: number;
  end: number;
  similarity: number;
}

/** A search's answer: the example (a clip, a frame of a video, or an image) and the clips most like it. */
export interface SimilarSearch {
  /** The example's video (null for an image). */
  videoId: number | null;
  /** The example clip (null for a single frame or an image). */
  clipId: number | null;
  n: number | null;
  /** The single frame's time in seconds (null for a clip or an image). */
  time: number | null;
  image: string | null;
  by: string;
  results: SimilarClip[];
}

export const similarCommands = {
  /** Fingerprint a video (and look for near-duplicates) unless done; `force` does it again. */
  'similar.fingerprint': command(z.object({ video: videoRef, force: z.boolean().optional() }).strict(), async (s, { video, force }) => {
    const videoId = await resolveVideoRef(s.db.reader, video);
    if (!force && (await hasFingerprint(s.db.reader, videoId))) return { videoId, jobId: null as number | null };
    const { job } = await s.jobs.enqueue('fingerprint', { videoId });
    return { videoId, jobId: job.id as number | null };
  }),
  /** Near-duplicate pairs (the newer video first), best first; `video` limits to pairs with that video. */
  'similar.duplicates': command(
    z
      .object({ threshold: z.number().min(0).max(1).default(0.8), video: videoRef.optional(), undecidedOnly: z.boolean().default(false) })
      .strict(),
    async (s, { threshold, video, undecidedOnly }): Promise<NearDuplicatePair[]> => {
      const videoId = video === undefined ? undefined : await resolveVideoRef(s.db.reader, video);
      const pairs = (await listNearDuplicates(s.db.reader, { threshold, ...(videoId ? { videoId } : {}) })).filter(
        (p) => !undecidedOnly || p.decision === null,
      );
      const n = await names(s, [...new Set(pairs.flatMap((p) => [p.videoId, p.otherId]))]);
      return pairs.map((p) => ({ ...p, videoName: n.get(p.videoId) ?? '', otherName: n.get(p.otherId) ?? '' }));
    },
  ),
  /**
   * The user's answer to a "possible duplicate" flag: keep both (the flag is dismissed), link them (kept as a
   * pair), or remove `video` from the library (its record and derived data; the file itself is never touched).
   */
  'similar.decide': command(
    z.object({ video: videoRef, other: videoRef, decision: z.enum(['keep', 'link', 'remove']) }).strict(),
    async (s, { video, other, decision }) => {
      const videoId = await resolveVideoRef(s.db.reader, video);
      const otherId = await resolveVideoRef(s.db.reader, other);
      const pairs = await listNearDuplicates(s.db.reader, { videoId });
      if (!pairs.some((p) => p.videoId === otherId || p.otherId === otherId))
        throw new FramewiseError('not_found', `Videos ${videoId} and ${otherId} are not flagged as near-duplicates`);
      if (decision === 'remove') {
        await removeVideos(s, [videoId], false);
        return { videoId, otherId, decision };
      }
      await decideNearDuplicate(s.db.writer, videoId, otherId, decision);
      s.events.emit({ type: 'data.changed', videoId, topic: 'similar' });
      return { videoId, otherId, decision };
    },
  ),
  /**
   * Queue the clip jobs a search needs (fingerprints, or `model`'s embeddings, for every video with clips that
   * lack them) and return them: callers that show progress wait for these, then search.
   */
  'similar.prepare': command(
    z.object({ model: z.string().min(1).max(100).optional(), video: videoRef.optional() }).strict(),
    async (s, input) => {
      const model = input.model !== undefined ? await getEmbeddingModel(s, input.model) : null;
      const videoIds = input.video !== undefined ? [await resolveVideoRef(s.db.reader, input.video)] : undefined;
      return { jobIds: await queueClipJobs(s, { model, ...(videoIds ? { videoIds } : {}) }) };
    },
  ),
  /**
   * The clips most similar to an example across the library, by cosine similarity of keyframe fingerprints or
   * of a model's embeddings. The example is a clip (by its position `clip`; the first without one), a single
   * frame of a video (`frame`, or `time` in seconds: that picture alone, not its clip), or an image file
   * (`image`). Clips without a fingerprint or embedding get one first: the jobs are queued (visible in the jobs
   * list, cancellable) and awaited.
   */
  'similar.search': command(
    z
      .object({
        video: videoRef.optional(),
        clip: z.number().int().positive().optional(),
        frame: z.number().int().min(0).optional(),
        time: z.number().min(0).optional(),
        image: z.string().min(1).max(4096).optional(),
        top: z.number().int().min(1).max(1000).default(10),
        threshold: z.number().min(-1).max(1).optional(),
        scope: z.enum(SCOPES).default('all'),
        /** Only clips overlapping a segment with this label (predicted or drawn). */
        label: z.string().min(1).max(100).optional(),
        /** An embedding model's name; without it, keyframe fingerprints are compared. */
        model: z.string().min(1).optional(),
      })
      .strict()
      .refine((i) => (i.video === undefined) !== (i.image === undefined), { message: 'give either a video or an image', path: ['video'] })
      .refine((i) => [i.clip, i.frame, i.time].filter((x) => x !== undefined).length <= 1, {
        message: 'give at most one of clip, frame and time',
        path: ['clip'],
      })
      .refine((i) => i.image === undefined || (i.clip === undefined && i.frame === undefined && i.time === undefined), {
        message: 'clip, frame and time belong to a video, not an image',
        path: ['image'],
      })
      .refine((i) => i.image === undefined || i.scope !== 'same', { message: 'an image has no video of its own', path: ['scope'] }),
    async (s, input): Promise<SimilarSearch> => {
      const model = input.model !== undefined ? await getEmbeddingModel(s, input.model) : null;
      const videoId = input.video !== undefined ? await resolveVideoRef(s.db.reader, input.video) : null;
      const example = await resolveExample(s, { ...input, videoId }, model);
      await awaitClipJobs(s, await queueClipJobs(s, { model }));
      const positions = new Map<number, Clip>();
      for (const v of await s.db.reader.selectFrom('videos').select('id').execute())
        for (const c of await activeClips(s.db.reader, v.id)) positions.set(c.id, c);
      const { set, refs } = model ? await clipEmbeddingVectors(s.db.reader, model) : await clipFingerprintVectors(s.db.reader);
      let query = example.vector;
      let self = -1;
      if (!query) {
        self = refs.findIndex((r) => r.clipId === example.clipId);
        if (self < 0)
          throw new FramewiseError(
            'precondition',
            `Clip ${example.n} of video ${videoId} has no ${model ? 'embedding' : 'fingerprint'}: its file cannot be read`,
          );
        query = set.data.slice(self * set.dim, (self + 1) * set.dim);
      }
      const labelled = input.label === undefined ? null : await labelledRanges(s, input.label);
      const inLabel = (clipId: number, vid: number) => {
        if (!labelled) return true;
        const p = positions.get(clipId);
        return Boolean(p && labelled.get(vid)?.some((r) => p.startFrame < r.end && r.start < p.endFrame));
      };
      const hits = nearest(set, query, {
        top: input.top,
        ...(input.threshold !== undefined ? { threshold: input.threshold } : {}),
        keep: (r) =>
          r !== self &&
          positions.has(refs[r]!.clipId) &&
          inLabel(refs[r]!.clipId, refs[r]!.videoId) &&
          (input.scope === 'all' || (input.scope === 'same' ? refs[r]!.videoId === videoId : refs[r]!.videoId !== videoId)),
      });
      const n = await names(s, [...new Set(hits.map((f) => refs[f.row]!.videoId))]);
      return {
        videoId,
        clipId: example.clipId,
        n: example.n,
        time: example.time,
        image: input.image ?? null,
        by: model ? `model:${model.name}` : 'fingerprint',
        results: hits.map((f) => {
          const ref = refs[f.row]!;
          const p = positions.get(ref.clipId)!;
          return {
            videoId: ref.videoId,
            videoName: n.get(ref.videoId) ?? '',
            clipId: ref.clipId,
            n: p.n,
            startFrame: p.startFrame,
            endFrame: p.endFrame,
            start: p.start,
            end: p.end,
            similarity: Math.round(f.similarity * 1000) / 1000,
          };
        }),
      };
    },
  ),
  /** The embedding models of the model store (task "embedding"; added with `models.add`). */
  'similar.models': command(z.object({}).strict(), async (s) => listEmbeddingModels(s.db.reader)),
  /** The stored embedding of a clip (by position), made first (a `clip-embeddings` job) when missing or outdated. */
  'similar.embedding': command(
    z.object({ video: videoRef, clip: z.number().int().positive(), model: z.string().min(1) }).strict(),
    async (s, input) => {
      const videoId = await resolveVideoRef(s.db.reader, input.video);
      const model = await getEmbeddingModel(s, input.model);
      const clips = await activeClips(s.db.reader, videoId);
      const clip = clips[input.clip - 1];
      if (!clip) throw new FramewiseError('not_found', `The video has ${clips.length} clips; no clip ${input.clip}`);
      const jobs = await awaitClipJobs(s, await queueClipJobs(s, { model, videoIds: [videoId] }));
      const computed = jobs.reduce((a, j) => a + ((j.output as { clips?: number } | null)?.clips ?? 0), 0);
      const v = await storedEmbedding(s.db.reader, clip.id, model.name);
      return { clipId: clip.id, modelKey: model.modelKey, computed, jobIds: jobs.map((j) => j.id), vector: v ? Array.from(v) : [] };
    },
  ),
};
