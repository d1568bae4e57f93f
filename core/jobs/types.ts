/** Plain data types that cross the core's boundary (JSON-serializable, no classes). */
import type { SerializedError } from '../util/errors.js';

export type { SerializedError };
/** `interrupted` is derived, never stored: a `running` job whose process died (until a runner re-queues it). */
export type JobState = 'queued' | 'running' | 'interrupted' | 'succeeded' | 'failed' | 'cancelled';

/** A process that runs jobs on this library (the app, `framewise serve`, a one-shot CLI command). */
export interface JobRunnerInfo {
  id: string;
  role: 'app' | 'serve' | 'cli';
  /** e.g. "framewise import". */
  label: string;
  host: string;
  pid: number;
  /** 'all': runs any job no other live process owns; 'own': only its own jobs (a one-shot CLI command). */
  scope: 'all' | 'own';
}

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
  /** The job whose success created this one (a follow-up), if any. */
  parentId: number | null;
  /**
   * Queued or running jobs (filled by `jobs.list` / `jobs.get`): the live process that runs it, or will run it;
   * null = no live process will (it waits for the next app, `serve` or `framewise jobs --run`).
   */
  runBy?: JobRunnerInfo | null;
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
