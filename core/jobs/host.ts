import type { LibraryDb } from '../db/open.js';
import type { EventBus } from '../events/bus.js';
import type { Log } from '../util/log.js';
import type { JobSummary } from './types.js';

/** What the queue needs from the runner of this process. */
export interface RunnerControl {
  adopt(jobId: number): void;
  wake(): void;
  abortLocal(jobId: number): boolean;
}

/** What the runner needs from the queue. */
export interface JobFinisher {
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
