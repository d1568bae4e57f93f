import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { JobSummary } from '../../../../core/api/types.js';
import { Badge, Button, IconButton, ProgressBar, type Tone } from '../../components/ui.js';
import { errorText } from '../../i18n/errors.js';
import { formatAgo, formatPercent, fileName } from '../../lib/format.js';
import { cancelJob, retryJob, setUi, useApp } from '../../state/store.js';
import { formatSeconds, jobKindLabel, jobStageLabel } from './labels.js';
import './jobs.css';

export { jobKindLabel };

const stateTone: Record<JobSummary['state'], Tone> = {
  queued: 'neutral',
  running: 'accent',
  interrupted: 'warning',
  succeeded: 'success',
  failed: 'danger',
  cancelled: 'neutral',
};

type JobFilter = 'all' | 'active' | 'failed' | 'cancelled' | 'succeeded';
const filters: JobFilter[] = ['all', 'active', 'failed', 'cancelled', 'succeeded'];
const clearedKey = 'framewise.jobsClearedThrough';

/** What the job works on: the video's name, or the file an import reads. */
function useJobSubject(job: JobSummary): string | null {
  const video = useApp((s) => (job.videoId !== null ? s.videos.get(job.videoId) : undefined));
  if (video) return video.name;
  const input = job.input as { path?: unknown; name?: unknown } | null;
  if (input && typeof input.name === 'string') return input.name;
  if (input && typeof input.path === 'string') return fileName(input.path);
  return null;
}

function duration(job: JobSummary): number | null {
  if (!job.startedAt || !job.finishedAt) return null;
  const d = (new Date(job.finishedAt).getTime() - new Date(job.startedAt).getTime()) / 1000;
  return Number.isFinite(d) ? d : null;
}

export function JobRow({ job }: { job: JobSummary }) {
  const { t } = useTranslation('jobs');
  const subject = useJobSubject(job);
  const active = job.state === 'running' || job.state === 'queued';
  const took = duration(job);
  const kind = jobKindLabel(job.kind);
  return (
    <li className={`job job-${job.state}`} data-testid="job" data-job-id={job.id} data-job-kind={job.kind} data-job-state={job.state}>
      <div className="job-top">
        <div className="job-title">
          <span className="job-kind">{kind}</span>
          {(subject || job.finishedAt) && (
            <span className="job-subject" title={subject ?? undefined} data-allow-clip>
              {subject}
              {subject && job.finishedAt ? ' · ' : ''}
              {job.finishedAt ? formatAgo(job.finishedAt) : ''}
              {took !== null && (
                <span data-testid="job-duration">
                  {' · '}
                  {t('tookSeconds', { time: formatSeconds(took) })}
                </span>
              )}
            </span>
          )}
        </div>
        <Badge tone={stateTone[job.state]}>{job.cancelRequested && active ? t('cancelRequested') : t(`states.${job.state}`)}</Badge>
        {active && (
          <IconButton
            icon="cancel"
            label={`${t('cancel')} ${kind}${subject ? ` ${subject}` : ''}`}
            onClick={() => void cancelJob(job.id)}
            data-testid="job-cancel"
          />
        )}
        {(job.state === 'failed' || job.state === 'cancelled') && (
          <IconButton
            icon="retry"
            label={`${t('retry')} ${kind}${subject ? ` ${subject}` : ''}`}
            onClick={() => void retryJob(job.id)}
            data-testid="job-retry"
          />
        )}
      </div>
      {job.state === 'running' && (
        <>
          <ProgressBar value={job.progress} label={`${kind} ${subject ?? ''}`} />
          <div className="job-meta">
            <span data-testid="job-stage">{jobStageLabel(job.stage)}</span>
            <span className="num">
              {formatPercent(job.progress)} ·{' '}
              {job.etaSeconds !== null ? t('eta', { time: formatSeconds(job.etaSeconds) }) : t('etaUnknown')}
            </span>
          </div>
        </>
      )}
      {job.state === 'queued' && <div className="job-meta muted">{t('waiting')}</div>}
      {job.state === 'interrupted' && (
        <div className="job-meta muted" data-testid="job-interrupted">
          {t('interruptedHint')}
        </div>
      )}
      {job.state === 'failed' && job.error && (
        <div className="job-error" data-testid="job-error">
          {errorText(job.error, subject)}
        </div>
      )}
    </li>
  );
}

export function useJobCounts(): { running: number; queued: number } {
  const jobs = useApp((s) => s.jobs);
  return useMemo(() => {
    let running = 0;
    let queued = 0;
    for (const j of jobs.values()) {
      if (j.state === 'running') running++;
      else if (j.state === 'queued') queued++;
    }
    return { running, queued };
  }, [jobs]);
}

function isDuplicateImport(j: JobSummary): boolean {
  return j.kind === 'import' && j.state === 'succeeded' && (j.output as { status?: string } | null)?.status === 'duplicate';
}

/**
 * Side panel: running jobs with live progress, queued jobs, finished ones (failures with reasons, durations).
 * Filter by state; "Clear finished" hides what finished so far (kept in this window's profile); imports of
 * files already in the library are folded into one line.
 */
export function JobsPanel() {
  const { t } = useTranslation('jobs');
  const jobs = useApp((s) => s.jobs);
  const ref = useRef<HTMLElement>(null);
  const [filter, setFilter] = useState<JobFilter>('all');
  const [clearedThrough, setClearedThrough] = useState(() => Number(localStorage.getItem(clearedKey) ?? 0));
  const { running, queued, recent, duplicates } = useMemo(() => {
    const all = [...jobs.values()].sort((a, b) => b.id - a.id);
    const finished = all.filter((j) => j.state !== 'running' && j.state !== 'queued' && j.id > clearedThrough);
    const keep = (j: JobSummary) =>
      filter === 'all' ||
      (filter === 'active' && (j.state === 'running' || j.state === 'queued')) ||
      // "Failed" is what failed; a job the user cancelled did not fail and has its own filter.
      (filter === 'failed' && j.state === 'failed') ||
      (filter === 'cancelled' && j.state === 'cancelled') ||
      (filter === 'succeeded' && j.state === 'succeeded');
    return {
      running: all.filter((j) => j.state === 'running' && keep(j)),
      queued: all.filter((j) => j.state === 'queued' && keep(j)).reverse(),
      recent: finished.filter((j) => keep(j) && !isDuplicateImport(j)).slice(0, 100),
      duplicates: finished.filter((j) => keep(j) && isDuplicateImport(j)).length,
    };
  }, [jobs, filter, clearedThrough]);
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('button')?.focus();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setUi({ jobsOpen: false });
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  const clearFinished = () => {
    const maxFinished = Math.max(0, ...[...jobs.values()].filter((j) => j.state !== 'running' && j.state !== 'queued').map((j) => j.id));
    localStorage.setItem(clearedKey, String(maxFinished));
    setClearedThrough(maxFinished);
  };
  const section = (title: string, list: JobSummary[], id: string, extra?: ReactNode) =>
    (list.length > 0 || extra) && (
      <section className="jobs-section" aria-label={title} data-testid={`jobs-${id}`}>
        <h3>
          {title} <span className="muted">{list.length}</span>
        </h3>
        <ul>
          {list.map((j) => (
            <JobRow key={j.id} job={j} />
          ))}
        </ul>
        {extra}
      </section>
    );
  return (
    <aside className="drawer" aria-label={t('title')} ref={ref} data-testid="jobs-panel">
      <header className="drawer-head">
        <h2>{t('title')}</h2>
        <IconButton icon="close" label={t('close')} onClick={() => setUi({ jobsOpen: false })} />
      </header>
      <div className="jobs-tools">
        <label>
          <span className="sr-only">{t('filter')}</span>
          <select
            value={filter}
            onChange={(e) => setFilter(e.target.value as JobFilter)}
            data-testid="jobs-filter"
            aria-label={t('filter')}
          >
            {filters.map((f) => (
              <option key={f} value={f}>
                {t(`filters.${f}`)}
              </option>
            ))}
          </select>
        </label>
        <Button size="sm" variant="ghost" onClick={clearFinished} data-testid="jobs-clear">
          {t('clearFinished')}
        </Button>
      </div>
      <div className="drawer-body">
        {jobs.size === 0 && <p className="muted pad">{t('empty')}</p>}
        {section(t('running'), running, 'running')}
        {section(t('queued'), queued, 'queued')}
        {section(
          t('recent'),
          recent,
          'recent',
          duplicates > 0 ? (
            <p className="muted jobs-duplicates" data-testid="jobs-duplicates">
              {t('duplicates', { count: duplicates })}
            </p>
          ) : undefined,
        )}
      </div>
    </aside>
  );
}

export function JobsButton() {
  const { t } = useTranslation();
  const { running } = useJobCounts();
  const open = useApp((s) => s.jobsOpen);
  return (
    <Button
      variant="ghost"
      icon="jobs"
      onClick={() => setUi({ jobsOpen: !open })}
      aria-expanded={open}
      aria-label={`${t('nav.jobs')}${running ? ` (${t('nav.runningJobs', { count: running })})` : ''}`}
      data-testid="jobs-button"
    >
      {t('nav.jobs')}
      {running > 0 && (
        <span className="count-badge" data-testid="jobs-running-count" title={t('nav.runningJobs', { count: running })}>
          {running}
        </span>
      )}
    </Button>
  );
}
