import { z } from 'zod';
import { countFrames, decodeAll } from '../ffmpeg/ops.js';
import { access } from 'node:fs/promises';
import { nowIso } from '../db/open.js';
import { defineJobKind } from '../jobs/kind.js';
import type { Services } from '../services.js';
import { FramewiseError } from '../util/errors.js';
import { getVideoRow, getVideoSummary, type VideoRow } from './videos.js';

const videoInput = z.object({ videoId: z.number().int().positive() });

/** Pre-condition shared by jobs that work on a video's file: it is in the library, probed, and present. */
export async function requireProbedVideo(services: Services, videoId: number): Promise<VideoRow> {
  const row = await getVideoRow(services.db.reader, videoId).catch(() => null);
  if (!row) throw new FramewiseError('precondition', `Video ${videoId} is not in the library; import it first`);
  if (!row.metadata_json || !row.fps_num) throw new FramewiseError('precondition', `Video ${videoId} has not been probed; re-import it`);
  try {
    await access(row.path);
  } catch {
    throw new FramewiseError(
      'precondition',
      `Video ${videoId}: its file is missing at ${row.path}; re-import it from its new place to re-link it`,
    );
  }
  return row;
}

/** Count the video stream's packets exactly (stream copy to null: no decode, with progress). */
export const frameCountJob = defineJobKind({
  kind: 'frame-count',
  background: true,
  title: 'Count frames',
  input: videoInput,
  output: z.object({ frameCount: z.number().int().nonnegative() }),
  videoId: (i) => i.videoId,
  precondition: async (s, i) => void (await requireProbedVideo(s, i.videoId)),
  async run(ctx, input) {
    const row = await requireProbedVideo(ctx.services, input.videoId);
    const { frames } = await countFrames(ctx.services.ffmpeg, row.path, {
      signal: ctx.signal,
      duration: row.duration,
      onProgress: (f) => ctx.progress(f, 'counting frames'),
    });
    return { frameCount: frames };
  },
  async commit(trx, input, output) {
    await trx.updateTable('videos').set({ frame_count: output.frameCount, updated_at: nowIso() }).where('id', '=', input.videoId).execute();
  },
  async afterCommit(services, input) {
    services.events.emit({ type: 'video.changed', video: await getVideoSummary(services.db.reader, input.videoId) });
  },
});

/** Decode the whole video to find damage (a clinician's integrity check). Slow by nature: it decodes everything. */
export const verifyDecodeJob = defineJobKind({
  kind: 'verify-decode',
  title: 'Verify decode',
  input: videoInput,
  output: z.object({ decodedFrames: z.number().int(), errors: z.array(z.string()) }),
  videoId: (i) => i.videoId,
  precondition: async (s, i) => void (await requireProbedVideo(s, i.videoId)),
  async run(ctx, input) {
    const row = await requireProbedVideo(ctx.services, input.videoId);
    const { frames, errors } = await decodeAll(ctx.services.ffmpeg, row.path, {
      signal: ctx.signal,
      duration: row.duration,
      onProgress: (f) => ctx.progress(f, 'decoding'),
    });
    return { decodedFrames: frames, errors };
  },
});
