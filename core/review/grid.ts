import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import { FramewiseError } from '../util/errors.js';
import { bestFrameCount } from '../library/videos.js';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * A video's frame grid: frame k covers [k·den/num, (k+1)·den/num) seconds, using the exact fps fraction.
 * Segment bounds are frame numbers (half-open [startFrame, endFrame)); times are derived from them.
 */
export interface FrameGrid {
  num: number;
  den: number;
  frameCount: number;
  duration: number;
}

export async function loadGrid(db: Db, videoId: number): Promise<FrameGrid> {
  const v = await db
    .selectFrom('videos')
    .select(['duration', 'fps_num', 'fps_den', 'frame_count', 'frame_count_estimate'])
    .where('id', '=', videoId)
    .executeTakeFirst();
  if (!v) throw new FramewiseError('not_found', `No video with id ${videoId}`);
  const num = v.fps_num ?? 25;
  const den = v.fps_den ?? 1;
  const frameCount = bestFrameCount(v, { num, den }, 1);
  return { num, den, frameCount, duration: v.duration };
}

export const frameTime = (g: FrameGrid, frame: number): number => (frame * g.den) / g.num;

/** The frame whose start is nearest to `seconds` (a time typed by a person snaps to the frame grid). */
export const nearestFrame = (g: FrameGrid, seconds: number): number => Math.round((seconds * g.num) / g.den);

/** Refuse a range that is not a non-empty half-open frame range inside the video. */
export function checkRange(g: FrameGrid, startFrame: number, endFrame: number): void {
  if (!Number.isInteger(startFrame) || !Number.isInteger(endFrame))
    throw new FramewiseError('usage', `Segment bounds must be whole frames, got ${startFrame}–${endFrame}`);
  if (startFrame < 0 || endFrame > g.frameCount || endFrame <= startFrame)
    throw new FramewiseError(
      'usage',
      `A segment must satisfy 0 ≤ start < end ≤ ${g.frameCount} frames (the video's length), got [${startFrame}, ${endFrame})`,
      { startFrame, endFrame, frameCount: g.frameCount },
    );
}
