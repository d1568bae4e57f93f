import { client } from '../../state/client.js';
import { errorMessage } from '../../transport/types.js';
import { watchJob } from './jobWatch.js';

export interface SceneBatch {
  jobs: Array<{ input: string; jobId: number }>;
  /** Videos answered from the store (detected before with the same parameters). */
  done: string[];
  errors: Array<{ input: string; error: { message: string } }>;
}

/** Clips come from the detection, unless the video already has clips (an editor's work is never replaced). */
async function clipsIfNone(videoId: number, detectionId?: number): Promise<void> {
  const state = await client().call('clips.list', { video: videoId });
  if (state.clips.length) return;
  await client().call('clips.fromScenes', { video: videoId, ...(detectionId !== undefined ? { detectionId } : {}) });
}

/**
 * "Detect scenes" over many videos (the app's counterpart of `framewise scenes <folder>`): one job per video
 * with the default detector, queued under the core's concurrency limit; each video without clips gets its
 * clips from the result, ready for review.
 */
export async function detectScenesBatch(
  videoIds: number[],
  /** Called when a video's clips are made after its job (error: why not), so the batch ends only then. */
  onClips: (input: string, error: string | null) => void,
): Promise<SceneBatch> {
  const res: SceneBatch = { jobs: [], done: [], errors: [] };
  for (const id of videoIds) {
    try {
      const r = await client().call('scenes.detect', { video: id });
      if (r.jobId === null) {
        await clipsIfNone(id, r.result?.id);
        res.done.push(String(id));
      } else {
        res.jobs.push({ input: String(id), jobId: r.jobId });
        void watchJob(r.jobId, () => undefined).then(async (job) => {
          if (job.state !== 'succeeded') return;
          try {
            await clipsIfNone(id);
            onClips(String(id), null);
          } catch (err) {
            onClips(String(id), errorMessage(err));
          }
        });
      }
    } catch (err) {
      res.errors.push({ input: String(id), error: { message: errorMessage(err) } });
    }
  }
  return res;
}
