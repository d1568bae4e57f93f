/**
 * Job kinds, generic in the services they get (the machinery in this folder is below `Services`; `./kind.ts`
 * binds them to `Services` for capabilities).
 */
import type { Transaction } from 'kysely';
import type { z } from 'zod';
import type { Database } from '../db/schema.js';

export interface JobContextOf<S> {
  jobId: number;
  services: S;
  signal: AbortSignal;
  /** Report progress 0..1 with an optional stage label (ETA is derived by the runner). */
  progress(fraction: number, stage?: string): void;
  /** A private folder for partial outputs; removed when the job ends, whatever the outcome. */
  workDir(): Promise<string>;
}

/**
 * A kind of job. `input` and `output` are validated at enqueue and at completion.
 * - `precondition` runs before the job starts; a thrown FramewiseError fails the job at once.
 * - `commit` writes the job's post-conditions (video state, artifacts) in the same transaction that
 *   marks the job succeeded.
 */
export interface JobKindOf<S, I = unknown, O = unknown> {
  kind: string;
  title: string;
  input: z.ZodType<I>;
  output: z.ZodType<O>;
  /** The video this job is about, if any (for listing and for cascade). */
  videoId?(input: I): number | null;
  /**
   * Jobs to run after this one succeeds, created in the same transaction that marks it succeeded (so a job is
   * never seen finished without its follow-ups). They run in the process that ran this job.
   */
  followUps?(input: I, output: O): Array<{ kind: string; input: unknown }>;
  maxAttempts?: number;
  /**
   * Work nobody is waiting for (timeline previews, frame counts after an import): queued jobs a person
   * started run first; these are claimed only when no such job waits.
   */
  background?: boolean;
  precondition?(services: S, input: I): Promise<void>;
  run(ctx: JobContextOf<S>, input: I): Promise<O>;
  /** May return a replacement output (e.g. with ids assigned by the insert). */
  commit?(trx: Transaction<Database>, input: I, output: O, services: S): Promise<O | void>;
  /**
   * The run succeeded but its success could not be recorded (the commit failed, e.g. the library's disk is
   * full): undo what `run` made visible outside the database (a published file), so nothing exists that the
   * library does not know. Best effort; the job is then marked failed with the commit's error.
   */
  commitFailed?(services: S, input: I, output: O, err: unknown): Promise<void>;
  /**
   * Follow-ups after a successful commit: events to publish (e.g. video.changed), work that needs the committed
   * state (previews made again with what the job found). May return a replacement output (e.g. with a warning
   * about that work for the user): stored before the job is announced finished.
   */
  afterCommit?(services: S, input: I, output: O): Promise<O | void>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyJobKindOf<S> = JobKindOf<S, any, any>;

/**
 * Two requests share a job while it is queued or running when their dedupe keys are equal. The key is the kind
 * and the whole validated input (defaults filled in), so any input that can change the result gives a new job.
 * No kind lists fields by hand: a field added later is covered at once.
 */
export function dedupeKeyFor(kind: string, validatedInput: unknown): string {
  return `${kind}:${stableJson(validatedInput)}`;
}

/** Stable JSON (sorted keys) for dedupe keys. */
export function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
}
