import type { CoreHandle as Core } from '../handle.js';
import type { JobSummary } from '../jobs/types.js';
import type { Output } from './output.js';

/**
 * Wait for jobs while showing progress, then for the follow-up jobs they created in this process (a one-shot
 * command drains what it owns before it exits, so nothing it created is left queued).
 * Ctrl-C cancels the running jobs (their ffmpeg children are killed) before exiting.
 */
export async function waitForJobs(
  core: Core,
  out: Output,
  jobIds: number[],
  label: (job: JobSummary) => string,
  describe: (job: JobSummary) => string = (j) => (j.error ? j.error.message : ''),
): Promise<JobSummary[]> {
  const view = out.progress();
  const labels = new Map<number, string>();
  const unsubscribe = core.subscribe((e) => {
    if (e.type === 'job.progress' && labels.has(e.jobId)) view.update(e.jobId, labels.get(e.jobId)!, e.progress, e.stage, e.etaSeconds);
  });
  const onSigint = () => {
    out.info('\ncancelling…');
    void Promise.all(jobIds.map((id) => core.services.jobs.cancel(id).catch(() => undefined)));
  };
  process.once('SIGINT', onSigint);
  try {
    for (const id of jobIds) labels.set(id, label(await core.services.jobs.get(id)));
    const results = await Promise.all(
      jobIds.map(async (id) => {
        const job = await core.services.jobs.waitFor(id);
        view.done(id, labels.get(id) ?? String(id), job, describe(job));
        return job;
      }),
    );
    await core.services.runner?.drain();
    return results;
  } finally {
    view.finish();
    unsubscribe();
    process.removeListener('SIGINT', onSigint);
  }
}
