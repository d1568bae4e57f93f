import type { JobSummary } from '../jobs/types.js';
import type { VideoSummary } from '../library/types.js';
import type { SegmentHistoryEntry } from '../review/types.js';

/**
 * The one event stream of the core. Its members are data types of the capabilities (their `types.ts`, which
 * import nothing but other `types.ts`), so this file stays below every capability.
 */
export type CoreEvent =
  | { type: 'job.state'; job: JobSummary }
  | { type: 'job.progress'; jobId: number; videoId: number | null; progress: number; stage: string | null; etaSeconds: number | null }
  | { type: 'video.added'; video: VideoSummary }
  | { type: 'video.changed'; video: VideoSummary }
  | { type: 'video.removed'; videoId: number }
  | { type: 'settings.changed'; key: string; value: unknown }
  | { type: 'data.changed'; videoId: number; topic: string }
  /** A reviewer changed a video's segments (review capability): `entry` is the history entry just written. */
  | { type: 'segments.changed'; videoId: number; entry: SegmentHistoryEntry };
