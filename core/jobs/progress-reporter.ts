import type { Kysely } from 'kysely';
import { nowIso } from '../db/open.js';
import type { Database } from '../db/schema.js';
import type { EventBus } from '../events/bus.js';
import { errorForLog, type Log } from '../util/log.js';
import { addJobEvent } from './store.js';

/** How often a running job's progress is written to its row (events go out on every report). */
const PROGRESS_WRITE_MS = 500;

/**
 * A running job's `progress(fraction, stage)`: every report is an event (with an ETA from the elapsed time once
 * 1 % is done); the row is updated at most every {@link PROGRESS_WRITE_MS} (also the job's heartbeat) and at each
 * quarter, which is also recorded as a job event.
 */
export function progressReporter(o: {
  db: Kysely<Database>;
  events: Pick<EventBus, 'emit'>;
  log: Log;
  jobId: number;
  videoId: number | null;
  startedAt: number;
}): (fraction: number, stage?: string) => void {
  let lastWrite = 0;
  let milestone = 0;
  return (fraction, stage) => {
    const p = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
    const elapsed = (Date.now() - o.startedAt) / 1000;
    const eta = p > 0.01 && elapsed > 0.5 ? (elapsed * (1 - p)) / p : null;
    o.events.emit({ type: 'job.progress', jobId: o.jobId, videoId: o.videoId, progress: p, stage: stage ?? null, etaSeconds: eta });
    const now = Date.now();
    const m = Math.floor(p * 4);
    if (now - lastWrite < PROGRESS_WRITE_MS && m <= milestone) return;
    lastWrite = now;
    void o.db
      .updateTable('jobs')
      .set({ progress: p, stage: stage ?? null, eta_seconds: eta, heartbeat_at: nowIso() })
      .where('id', '=', o.jobId)
      .where('state', '=', 'running')
      .execute()
      .catch((err: unknown) => o.log.warn({ jobId: o.jobId, err: errorForLog(err) }, 'progress not stored'));
    if (m > milestone && m < 4) {
      milestone = m;
      void addJobEvent(o.db, o.jobId, 'progress', { progress: m / 4, stage: stage ?? null }).catch((err: unknown) =>
        o.log.warn({ jobId: o.jobId, err: errorForLog(err) }, 'progress event not stored'),
      );
    }
  };
}
