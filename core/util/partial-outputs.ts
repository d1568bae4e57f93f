import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Where a job records the temporary files it writes beside its outputs (`.<name>.<random>.partial.<ext>` in the
 * user's folders), so that a process that dies mid-write (killed, crashed, a forced stop) leaves nothing there:
 * the next Framewise start removes what the job's record still lists (core/jobs/partial-outputs.ts).
 *
 * The record travels with the job's async context (AsyncLocalStorage) rather than as a parameter: temp names are
 * made deep inside utilities every capability shares (writeAtomically, produceNewOutputFile), and threading the job
 * through each of their callers would touch every output path for one concern. Outside a job nothing is recorded.
 */
export interface PartialOutputJournal {
  /** Recorded (durably) before anything is written at `file`. */
  add(file: string): Promise<void>;
  /** `file` is gone or has its final name. */
  remove(file: string): Promise<void>;
}

const current = new AsyncLocalStorage<PartialOutputJournal>();

/** Run `fn` with its temp files recorded in `journal`. */
export const withPartialOutputJournal = <T>(journal: PartialOutputJournal, fn: () => Promise<T>): Promise<T> => current.run(journal, fn);

/** About to write a temp file at `file`: record it where a job is running. */
export async function notePartialOutput(file: string): Promise<void> {
  await current.getStore()?.add(file);
}

/** The temp file at `file` was removed or renamed to its final name. */
export async function forgetPartialOutput(file: string): Promise<void> {
  await current.getStore()?.remove(file);
}
