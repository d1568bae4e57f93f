import type { JobSummary } from '../../../../core/api/types.js';
import { client } from '../../state/client.js';

/** Follow a job until it ends: progress (0–1) and ETA on the way; resolves with the finished job. */
export function watchJob(jobId: number, onProgress: (p: number, eta: number | null) => void): Promise<JobSummary> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (j: JobSummary) => {
      if (done || !['succeeded', 'failed', 'cancelled'].includes(j.state)) return;
      done = true;
      off();
      resolve(j);
    };
    const off = client().subscribe((e) => {
      if (e.type === 'job.progress' && e.jobId === jobId) onProgress(e.progress, e.etaSeconds);
      if (e.type === 'job.state' && e.job.id === jobId) finish(e.job);
    });
    // It may have ended before we subscribed.
    void client()
      .call('jobs.get', { id: jobId })
      .then(finish)
      .catch(() => undefined);
  });
}
