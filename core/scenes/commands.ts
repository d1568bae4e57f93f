import { z } from 'zod';
import { command } from '../capability.js';
import { resolveVideoRef } from '../library/videos.js';
import { FramewiseError } from '../util/errors.js';
import { resolveParams, sceneParamsSchema } from './params.js';
import { detectionScores, findDetection, latestDetection, type SceneResult } from './store.js';

const videoRef = z.union([z.number().int().positive(), z.string().min(1)]);
const detectInput = sceneParamsSchema.extend({ video: videoRef, force: z.boolean().optional() }).strict();

export const scenesCommands = {
  /** Answer from the store when this video was analysed with these parameters, else start a `scenes` job. */
  'scenes.detect': command(detectInput, async (s, { video, force, ...raw }) => {
    const videoId = await resolveVideoRef(s.db.reader, video);
    const params = resolveParams(raw);
    const stored = force ? null : await findDetection(s.db.reader, videoId, params);
    if (stored) return { videoId, jobId: null as number | null, result: stored as SceneResult | null };
    const { job } = await s.jobs.enqueue('scenes', { videoId, params });
    return { videoId, jobId: job.id as number | null, result: null as SceneResult | null };
  }),
  'scenes.get': command(sceneParamsSchema.extend({ video: videoRef }).strict(), async (s, { video, ...raw }) => {
    const videoId = await resolveVideoRef(s.db.reader, video);
    return findDetection(s.db.reader, videoId, resolveParams(raw));
  }),
  'scenes.latest': command(z.object({ video: videoRef }).strict(), async (s, { video }) => {
    return latestDetection(s.db.reader, await resolveVideoRef(s.db.reader, video));
  }),
  /** The per-frame score curve of a detection (bucket maxima), for the "Detect scenes" dialog. */
  'scenes.scores': command(
    z.object({ detectionId: z.number().int().positive(), points: z.number().int().min(10).max(20000).default(2000) }).strict(),
    async (s, { detectionId, points }) => {
      const r = await detectionScores(s.db.reader, detectionId, points);
      if (!r) throw new FramewiseError('not_found', `No scene detection with id ${detectionId}`);
      return r;
    },
  ),
};
