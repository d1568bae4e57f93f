import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button, ProgressBar } from '../../components/ui.js';
import { errorText } from '../../i18n/errors.js';
import { cancelJob, useApp } from '../../state/store.js';
import { errorMessage } from '../../transport/types.js';
import { jobKindLabel, jobStageLabel } from '../jobs/labels.js';
import './locales/types.js';

/** A job's progress with ETA and a Cancel button, then its outcome. */
export function JobStatus({ jobId, doneText }: { jobId: number; doneText: (output: unknown) => string }) {
  const { t } = useTranslation('media');
  const job = useApp((s) => s.jobs.get(jobId));
  if (!job) return null;
  if (job.state === 'queued' || job.state === 'running') {
    return (
      <div className="media-job" data-testid="media-job" data-state={job.state}>
        <ProgressBar value={job.progress} label={jobStageLabel(job.stage) || jobKindLabel(job.kind)} />
        {job.etaSeconds !== null && job.etaSeconds !== undefined && <small>{t('eta', { eta: `${Math.ceil(job.etaSeconds)} s` })}</small>}
        <Button size="sm" variant="ghost" onClick={() => void cancelJob(job.id)} data-testid="media-cancel">
          {t('cancel')}
        </Button>
      </div>
    );
  }
  return (
    <p className="media-job" data-testid="media-job" data-state={job.state} role={job.state === 'failed' ? 'alert' : undefined}>
      {job.state === 'succeeded'
        ? doneText(job.output)
        : job.state === 'cancelled'
          ? t('cancelled')
          : t('failed', { reason: job.error ? errorText(job.error) : job.state })}
    </p>
  );
}

/** What a batch start command answers (`convert.start`, `frames.start`): started jobs and refused inputs. */
interface BatchStart {
  jobs: { jobId: number }[];
  errors: { error: { message: string } }[];
}

/**
 * A dialog that starts one job for one video: `start(call)` runs the start command and keeps either the job's id
 * (for `JobStatus`) or the first refusal / failure as the dialog's error.
 */
export function useOneJobStart() {
  const [jobId, setJobId] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const start = async (call: () => Promise<BatchStart>) => {
    setError(null);
    try {
      const res = await call();
      if (res.errors.length) setError(res.errors[0]!.error.message);
      else setJobId(res.jobs[0]!.jobId);
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return { jobId, error, setError, start };
}

/** `<folder of the video>/<name><suffix><ext>`: a default output beside the original. */
export function besideOriginal(videoPath: string, suffix: string, ext: string): string {
  const slash = Math.max(videoPath.lastIndexOf('/'), videoPath.lastIndexOf('\\'));
  const dir = videoPath.slice(0, slash + 1);
  const base = videoPath.slice(slash + 1).replace(/\.[^.]*$/, '');
  return `${dir}${base}${suffix}${ext}`;
}

export function folderOf(videoPath: string): string {
  const slash = Math.max(videoPath.lastIndexOf('/'), videoPath.lastIndexOf('\\'));
  return videoPath.slice(0, slash) || '/';
}
