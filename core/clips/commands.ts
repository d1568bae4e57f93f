import { z } from 'zod';
import { command } from '../capability.js';
import { resolveVideoRef } from '../library/videos.js';
import { detectionById, latestDetection } from '../scenes/store.js';
import { FramewiseError } from '../util/errors.js';
import { clipHistory, clipState, mergeClips, moveCut, redoClips, replaceClips, setClipStates, splitClip, undoClips } from './edits.js';
import { EXPORT_MODES } from './export-job.js';
import { exportedClips } from './exported.js';
import { clipKeyframes, clipSprite, videoSpriteTrack } from './media.js';
import { CLIP_STATES, type Clip } from './store.js';
import type { Services } from '../services.js';

const videoRef = z.union([z.number().int().positive(), z.string().min(1)]);
const id = z.number().int().positive();
const frame = z.number().int().min(0);
const v = <T extends z.ZodRawShape>(shape: T) => z.object({ video: videoRef, ...shape }).strict();
const resolve = (s: Services, video: string | number) => resolveVideoRef(s.db.reader, video);

async function activeClip(s: Services, videoId: number, clipId: number): Promise<Clip> {
  const c = (await clipState(s.db.reader, videoId)).clips.find((x) => x.id === clipId);
  if (!c) throw new FramewiseError('conflict', `Clip ${clipId} is not an active clip of this video (it was changed since; reload)`);
  return c;
}

export const clipsCommands = {
  'clips.list': command(v({}), async (s, { video }) => {
    const videoId = await resolve(s, video);
    return { videoId, ...(await clipState(s.db.reader, videoId)) };
  }),
  /** Make the clips of a video from a scene detection (the latest one, or the one given); undoable. */
  'clips.fromScenes': command(v({ detectionId: id.optional() }), async (s, { video, detectionId }) => {
    const videoId = await resolve(s, video);
    const det = detectionId !== undefined ? await detectionById(s.db.reader, detectionId) : await latestDetection(s.db.reader, videoId);
    if (!det || det.videoId !== videoId)
      throw new FramewiseError('precondition', 'No scene detection for this video yet; detect scenes first');
    return replaceClips(s, videoId, det.scenes);
  }),
  'clips.split': command(v({ id, frame }), async (s, { video, ...a }) => splitClip(s, await resolve(s, video), a)),
  'clips.merge': command(v({ ids: z.tuple([id, id]) }), async (s, { video, ...a }) => mergeClips(s, await resolve(s, video), a)),
  'clips.moveCut': command(v({ leftId: id, rightId: id, frame }), async (s, { video, ...a }) => moveCut(s, await resolve(s, video), a)),
  'clips.setState': command(
    v({ ids: z.union([z.array(id).min(1), z.literal('all')]), state: z.enum(CLIP_STATES) }),
    async (s, { video, ...a }) => setClipStates(s, await resolve(s, video), a),
  ),
  'clips.undo': command(v({ expectedEntryId: id.optional() }), async (s, { video, expectedEntryId }) =>
    undoClips(s, await resolve(s, video), expectedEntryId),
  ),
  'clips.redo': command(v({ expectedEntryId: id.optional() }), async (s, { video, expectedEntryId }) =>
    redoClips(s, await resolve(s, video), expectedEntryId),
  ),
  'clips.history': command(v({}), async (s, { video }) => clipHistory(s.db.reader, await resolve(s, video))),
  /** Keyframe images of a clip: the middle one, or `count` spread with one-frame margins. */
  'clips.keyframes': command(
    v({
      id,
      count: z.number().int().min(1).max(100).default(1),
      format: z.enum(['jpeg', 'png']).default('jpeg'),
      width: z.number().int().min(16).max(3840).default(320),
    }),
    async (s, { video, id: clipId, ...o }) => {
      const videoId = await resolve(s, video);
      return clipKeyframes(s, await activeClip(s, videoId, clipId), o);
    },
  ),
  /** The sprite sheet of a clip with its WebVTT thumbnails track. */
  'clips.sprite': command(v({ id }), async (s, { video, id: clipId }) => {
    const videoId = await resolve(s, video);
    return clipSprite(s, await activeClip(s, videoId, clipId));
  }),
  /** A WebVTT thumbnails track for the whole video, from every clip's sprite sheet. */
  'clips.vtt': command(v({}), async (s, { video }) => {
    const videoId = await resolve(s, video);
    return videoSpriteTrack(s, (await clipState(s.db.reader, videoId)).clips);
  }),
  /** Export clips (by id; default: the approved ones) as files: a `clips-export` job. */
  /** Clips whose exported file still holds their current frames (playable as media `clip/<id>`). */
  'clips.exported': command(v({}), async (s, { video }) => exportedClips(s, await resolve(s, video))),
  'clips.export': command(
    v({
      ids: z.array(id).min(1).optional(),
      mode: z.enum(EXPORT_MODES).default('copy'),
      dir: z.string().min(1),
      pattern: z.string().min(1).max(200).optional(),
      join: z.boolean().optional(),
    }),
    async (s, { video, ids, mode, dir, pattern, join }) => {
      const videoId = await resolve(s, video);
      const { clips } = await clipState(s.db.reader, videoId);
      const chosen = ids ? ids.map((x) => clips.find((c) => c.id === x) ?? null) : clips.filter((c) => c.state === 'approved');
      const missing = ids?.find((x, k) => !chosen[k]);
      if (missing !== undefined)
        throw new FramewiseError('conflict', `Clip ${missing} is not an active clip of this video (it was changed since; reload)`);
      const list = chosen.filter((c): c is Clip => c !== null);
      if (!list.length) throw new FramewiseError('precondition', 'No clips to export (approve some, or name them)');
      const { job } = await s.jobs.enqueue('clips-export', {
        videoId,
        clips: list.map((c) => ({ n: c.n, startFrame: c.startFrame, endFrame: c.endFrame })),
        mode,
        dir,
        ...(pattern ? { pattern } : {}),
        ...(join ? { join } : {}),
      });
      return { jobId: job.id };
    },
  ),
};
