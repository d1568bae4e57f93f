import { z } from 'zod';
import { command } from '../capability.js';
import { removeVideos } from '../library/remove.js';
import { resolveVideoRef } from '../library/videos.js';
import { activeSegments } from '../segments/store.js';
import type { Services } from '../services.js';
import { FramewiseError } from '../util/errors.js';
import { clipFingerprintVectors, ensureClipFingerprints } from './clip-fingerprints.js';
import { decideNearDuplicate, hasFingerprint, listNearDuplicates, type NearDuplicate } from './store.js';
import { nearest, type VectorSet } from './vector-search.js';
import { addEmbeddingModel, getEmbeddingModel, listEmbeddingModels } from './embedding-store.js';
import { clipEmbeddingVectors, ensureClipEmbeddings, storedEmbedding } from './embeddings.js';

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
   * The clips most similar to a clip (by its position `clip`, or the clip holding `frame`) across the library,
   * by cosine similarity of their keyframe fingerprints. Clips without a fingerprint get one first.
   */
  'similar.search': command(
    z
      .object({
        video: videoRef,
        clip: z.number().int().positive().optional(),
        frame: z.number().int().min(0).optional(),
        top: z.number().int().min(1).max(1000).default(10),
        threshold: z.number().min(-1).max(1).optional(),
        scope: z.enum(SCOPES).default('all'),
        /** Only clips overlapping a segment with this label (predicted or drawn). */
        label: z.string().min(1).max(100).optional(),
        /** An embedding model's name; without it, keyframe fingerprints are compared. */
        model: z.string().min(1).optional(),
      })
      .strict(),
    async (s, input): Promise<{ videoId: number; clipId: number; n: number; by: string; results: SimilarClip[] }> => {
      const videoId = await resolveVideoRef(s.db.reader, input.video);
      const model = input.model !== undefined ? await getEmbeddingModel(s.db.reader, input.model) : null;
      const clips = await ensureClipFingerprints(s, videoId);
      if (!clips.length) throw new FramewiseError('precondition', 'The video has no clips yet (detect scenes and make clips first)');
      const query =
        input.clip !== undefined
          ? clips[input.clip - 1]
          : input.frame !== undefined
            ? clips.find((c) => c.startFrame <= input.frame! && input.frame! < c.endFrame)
            : clips[0];
      if (!query)
        throw new FramewiseError('not_found', `The video has ${clips.length} clips; no clip ${input.clip ?? `at frame ${input.frame}`}`);
      // Other videos' clips get their fingerprints (one tiny frame per clip) or embeddings first.
      const others = await s.db.reader.selectFrom('videos').select('id').where('id', '<>', videoId).execute();
      const positions = new Map<number, { n: number; startFrame: number; endFrame: number; start: number; end: number }>();
      for (const c of clips) positions.set(c.id, c);
      for (const v of others) for (const c of await ensureClipFingerprints(s, v.id)) positions.set(c.id, c);
      let found: { set: VectorSet; refs: Array<{ clipId: number; videoId: number }> };
      if (model) {
        await ensureClipEmbeddings(s, model, [videoId, ...others.map((v) => v.id)]);
        found = await clipEmbeddingVectors(s.db.reader, model);
      } else found = await clipFingerprintVectors(s.db.reader);
      const { set, refs } = found;
      const labelled = input.label === undefined ? null : await labelledRanges(s, input.label);
      const inLabel = (clipId: number, videoId: number) => {
        if (!labelled) return true;
        const p = positions.get(clipId);
        return Boolean(p && labelled.get(videoId)?.some((r) => p.startFrame < r.end && r.start < p.endFrame));
      };
      const row = refs.findIndex((r) => r.clipId === query.id);
      const q = set.data.slice(row * set.dim, (row + 1) * set.dim);
      const hits = nearest(set, q, {
        top: input.top,
        ...(input.threshold !== undefined ? { threshold: input.threshold } : {}),
        keep: (r) =>
          r !== row &&
          inLabel(refs[r]!.clipId, refs[r]!.videoId) &&
          (input.scope === 'all' || (input.scope === 'same' ? refs[r]!.videoId === videoId : refs[r]!.videoId !== videoId)),
      });
      const n = await names(s, [...new Set(hits.map((f) => refs[f.row]!.videoId))]);
      return {
        videoId,
        clipId: query.id,
        n: query.n,
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
  /** Record an embedding model from its manifest (docs/models.md, output kind "embedding"). */
  'similar.addModel': command(z.object({ manifest: z.string().min(1) }).strict(), async (s, { manifest }) => {
    const m = await addEmbeddingModel(s.db.writer, manifest);
    return { name: m.name, modelKey: m.modelKey, length: m.manifest.output.length };
  }),
  'similar.models': command(z.object({}).strict(), async (s) => listEmbeddingModels(s.db.reader)),
  /** The stored embedding of a clip (by position), made first when missing or from an older model version. */
  'similar.embedding': command(
    z.object({ video: videoRef, clip: z.number().int().positive(), model: z.string().min(1) }).strict(),
    async (s, input) => {
      const videoId = await resolveVideoRef(s.db.reader, input.video);
      const model = await getEmbeddingModel(s.db.reader, input.model);
      const clips = await ensureClipFingerprints(s, videoId);
      const clip = clips[input.clip - 1];
      if (!clip) throw new FramewiseError('not_found', `The video has ${clips.length} clips; no clip ${input.clip}`);
      const computed = await ensureClipEmbeddings(s, model, [videoId]);
      const v = await storedEmbedding(s.db.reader, clip.id, model.name);
      return { clipId: clip.id, modelKey: model.modelKey, computed, vector: v ? Array.from(v) : [] };
    },
  ),
};
