import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { getSegments } from '../segments/store.js';
import { FramewiseError } from '../util/errors.js';
import type { SpeechSegment } from './timing.js';

/** The segment label speech lives in: the voice activity detector's lane (audio capability) or drawn by a reviewer. */
export const SPEECH_LABEL = 'speech';

/**
 * Speech segments of a video for the timing helpers: the given ones, else the video's active `speech` segments
 * (what the voice activity detector writes into the review lane `speech`, as corrected by a reviewer).
 */
export async function speechFor(db: Kysely<Database>, videoId: number, given: SpeechSegment[] | undefined): Promise<SpeechSegment[]> {
  if (given) return given;
  const segs = await getSegments(db, videoId, { labels: [SPEECH_LABEL] });
  if (!segs.length)
    throw new FramewiseError(
      'precondition',
      `Video ${videoId} has no speech segments yet: detect speech first (its segments go to the "${SPEECH_LABEL}" lane), draw them on that lane, or pass speech segments`,
    );
  return segs.map((s) => ({ startMs: Math.round(s.start * 1000), endMs: Math.round(s.end * 1000) }));
}
