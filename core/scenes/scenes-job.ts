import { z } from 'zod';
import { defineJobKind } from '../jobs/kind.js';
import { requireProbedVideo } from '../library/video-jobs.js';
import { cancelled } from '../util/errors.js';
import { detectScenes, detectSource } from './detect.js';
import { DETECTORS, type SceneParams } from './params.js';
import { findDetection, numberingFps, saveDetection } from './store.js';

const paramsSchema: z.ZodType<SceneParams> = z
  .object({
    detector: z.enum(DETECTORS),
    threshold: z.number(),
    minSceneLen: z.string(),
    edgeWeight: z.number(),
    minContentVal: z.number(),
    windowWidth: z.number().int(),
  })
  .strict();

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** The `scenes` job: decode once, detect, store the result for the video and parameter set. */
export const scenesJob = defineJobKind({
  kind: 'scenes',
  title: 'Detect scenes',
  input: z.object({ videoId: z.number().int().positive(), params: paramsSchema }).strict(),
  output: z.object({
    detectionId: z.number().int(),
    scenes: z.number().int(),
    /** What ffmpeg sent: packed RGB, or yuv422p converted with this matrix (the same RGB; `Detection.pixels`). */
    pixels: z.enum(['rgb24', 'bt601', 'bt709']).optional(),
  }),
  videoId: (i) => i.videoId,
  precondition: async (s, i) => void (await requireProbedVideo(s, i.videoId)),
  async run(ctx, input) {
    const row = await requireProbedVideo(ctx.services, input.videoId);
    const detection = await detectScenes(
      ctx.services.ffmpeg,
      {
        file: row.path,
        display: { width: row.display_width || row.width, height: row.display_height || row.height },
        fps: numberingFps(row),
        duration: row.duration,
        source: detectSource(parseJson(row.metadata_json)),
      },
      input.params,
      { signal: ctx.signal, onProgress: (f) => ctx.progress(f, 'detecting') },
    );
    if (ctx.signal.aborted) throw cancelled();
    // The scores (one float per frame) are too large for the job record: stored here, in one statement.
    await saveDetection(ctx.services.db.writer, input.videoId, detection);
    const saved = await findDetection(ctx.services.db.writer, input.videoId, input.params);
    return { detectionId: saved!.id, scenes: detection.scenes.length, pixels: detection.pixels };
  },
  async afterCommit(services, input) {
    services.events.emit({ type: 'data.changed', videoId: input.videoId, topic: 'scenes' });
  },
});
