import type { Transaction } from 'kysely';
import type { LibraryDb } from '../db/open.js';
import type { Database } from '../db/schema.js';
import type { EventBus } from '../events/bus.js';
import type { Log } from '../util/log.js';
import type { JobRow } from './store.js';
import type { JobSummary } from './types.js';

/** What the queue needs from the runner of this process. */
export interface RunnerControl {
  readonly runnerId: string;
  adopt(jobId: number): void;
  wake(): void;
  abortLocal(jobId: number): boolean;
  /**
   * True while the job is handled in this process — also after its row says it finished, until its follow-ups
   * (`afterCommit`, which may replace its output) are done and it is announced.
   */
  handling(jobId: number): boolean;
}

/** What the runner needs from the queue (and what follow-up jobs are created with). */
export interface JobFinisher {
  validate(kindName: string, rawInput: unknown): { kind: unknown; input: unknown };
  insertJob(
    trx: Transaction<Database>,
    kindName: string,
    input: unknown,
    opts: { owner: string | null; parentId: number | null },
  ): Promise<{ row: JobRow; existing: boolean }>;
  markFinished(
    id: number,
    state: 'failed' | 'cancelled',
    error: unknown,
    opts?: { fromStates?: string[]; runnerId?: string },
  ): Promise<JobSummary | null>;
}

/**
 * What the job machinery needs from the library's services. The full `Services` (core/services.ts) extends it;
 * job kinds receive the full one (`JobKind` in ./kind.ts), the queue and runner only this.
 */
export interface JobHost {
  dataDir: string;
  db: LibraryDb;
  events: EventBus;
  jobs: JobFinisher;
  runner: RunnerControl | null;
  /** The library's log (never patient data: ids, kinds, codes, timings). */
  log: Log;
}
