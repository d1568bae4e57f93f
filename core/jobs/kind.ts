import type { Services } from '../services.js';
import type { AnyJobKindOf, JobContextOf, JobKindOf } from './kind-of.js';

export { dedupeKeyFor, stableJson } from './kind-of.js';

/** What a running job gets: its id, the library's services, an abort signal, progress and a work folder. */
export type JobContext = JobContextOf<Services>;

/**
 * A kind of job. `input` and `output` are validated at enqueue and at completion.
 * - `precondition` runs before the job starts; a thrown FramewiseError fails the job at once.
 * - `commit` writes the job's post-conditions (video state, artifacts) in the same transaction that
 *   marks the job succeeded.
 */
export type JobKind<I = unknown, O = unknown> = JobKindOf<Services, I, O>;

export type AnyJobKind = AnyJobKindOf<Services>;

export function defineJobKind<I, O>(kind: JobKind<I, O>): JobKind<I, O> {
  return kind;
}
