/** Plain data types that cross the core's boundary (JSON-serializable, no classes). */
import type { SerializedError } from '../util/errors.js';

export type { SerializedError };
export type JobState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface JobSummary {
  id: number;
  kind: string;
  videoId: number | null;
  state: JobState;
  progress: number;
  stage: string | null;
  etaSeconds: number | null;
  attempts: number;
  maxAttempts: number;
  input: unknown;
  output: unknown;
  error: SerializedError | null;
  cancelRequested: boolean;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface JobEvent {
  id: number;
  jobId: number;
  at: string;
  type: string;
  data: unknown;
}

/** Events of the jobs capability. */
export type JobsEvent =
  | { type: 'job.state'; job: JobSummary }
  | { type: 'job.progress'; jobId: number; videoId: number | null; progress: number; stage: string | null; etaSeconds: number | null };
