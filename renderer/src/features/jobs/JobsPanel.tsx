import { useEffect, useMemo, useRef } from 'react';
import type { JobSummary } from '../../../../core/api/types.js';
import { Badge, Button, IconButton, ProgressBar, type Tone } from '../../components/ui.js';
import { formatAgo, formatEta, formatPercent, fileName } from '../../lib/format.js';
import { cancelJob, retryJob, setUi, useApp } from '../../state/store.js';
import { strings } from '../../strings.js';

const stateTone: Record<JobSummary['state'], Tone> = {
  queued: 'neutral',
  running: 'accent',
  interrupted: 'warning',
  succeeded: 'success',
  failed: 'danger',
  cancelled: 'neutral',
};

export function jobKindLabel(kind: string): string {
  return strings.jobs.kinds[kind] ?? kind;
}

/** What the job works on: the video's name, or the file an import reads. */
function useJobSubject(job: JobSummary): string | null {
  const video = useApp((s) => (job.videoId !== null ? s.videos.get(job.videoId) : undefined));
  if (video) return video.name;
  const input = job.input as { path?: unknown } | null;
  if (input && typeof input.path === 'string') return fileName(input.path);
  return null;
}

export function JobRow({ job }: { job: JobSummary }) {
  const subject = useJobSubject(job);
  const J = strings.jobs;
  const eta = formatEta(job.etaSeconds);
  const active = job.state === 'running' || job.state === 'queued';
  return (
    <li className={`job job-${job.state}`} data-testid="job" data-job-id={job.id} data-job-kind={job.kind} data-job-state={job.state}>
      <div className="job-top">
        <div className="job-title">
          <span className="job-kind">{jobKindLabel(job.kind)}</span>
          {(subject || job.finishedAt) && (
            <span className="job-subject" title={subject ?? undefined}>
              {subject}
              {subject && job.finishedAt ? ' · ' : ''}
              {job.finishedAt ? formatAgo(job.finishedAt) : ''}
            </span>
          )}
        </div>
        <Badge tone={stateTone[job.state]}>{job.cancelRequested && active ? J.cancelRequested : J.states[job.state]}</Badge>
        {active && (
          <IconButton
            icon="cancel"
            label={`${J.cancel} ${jobKindLabel(job.kind)}${subject ? ` ${subject}` : ''}`}
            onClick={() => void cancelJob(job.id)}
            data-testid="job-cancel"
          />
        )}
        {(job.state === 'failed' || job.state === 'cancelled') && (
          <IconButton
            icon="retry"
            label={`${J.retry} ${jobKindLabel(job.kind)}${subject ? ` ${subject}` : ''}`}
            onClick={() => void retryJob(job.id)}
            data-testid="job-retry"
          />
        )}
      </div>
      {job.state === 'running' && (
        <>
          <ProgressBar value={job.progress} label={`${jobKindLabel(job.kind)} ${subject ?? ''}`} />
          <div className="job-meta">
            <span data-testid="job-stage">{job.stage ?? ''}</span>
            <span className="num">
              {formatPercent(job.progress)} · {eta ? J.eta(eta) : J.etaUnknown}
            </span>
          </div>
        </>
      )}
      {job.state === 'queued' && <div className="job-meta muted">{J.waiting}</div>}
      {job.state === 'interrupted' && (
        <div className="job-meta muted" data-testid="job-interrupted">
          {J.interrupted}
        </div>
      )}
      {job.state === 'failed' && job.error && (
        <div className="job-error" data-testid="job-error">
          {job.error.message}
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

/** Side panel: running jobs with live progress, queued jobs, recent results (failures with reasons). */
export function JobsPanel() {
  const jobs = useApp((s) => s.jobs);
  const ref = useRef<HTMLElement>(null);
  const { running, queued, recent } = useMemo(() => {
    const all = [...jobs.values()].sort((a, b) => b.id - a.id);
    return {
      running: all.filter((j) => j.state === 'running'),
      queued: all.filter((j) => j.state === 'queued').reverse(),
      recent: all.filter((j) => j.state !== 'running' && j.state !== 'queued').slice(0, 100),
    };
  }, [jobs]);
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('button')?.focus();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setUi({ jobsOpen: false });
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  const J = strings.jobs;
  const section = (title: string, list: JobSummary[], id: string) =>
    list.length > 0 && (
      <section className="jobs-section" aria-label={title} data-testid={`jobs-${id}`}>
        <h3>
          {title} <span className="muted">{list.length}</span>
        </h3>
        <ul>
          {list.map((j) => (
            <JobRow key={j.id} job={j} />
          ))}
        </ul>
      </section>
    );
  return (
    <aside className="drawer" aria-label={J.title} ref={ref} data-testid="jobs-panel">
      <header className="drawer-head">
        <h2>{J.title}</h2>
        <IconButton icon="close" label={J.close} onClick={() => setUi({ jobsOpen: false })} />
      </header>
      <div className="drawer-body">
        {jobs.size === 0 && <p className="muted pad">{J.empty}</p>}
        {section(J.running, running, 'running')}
        {section(J.queued, queued, 'queued')}
        {section(J.recent, recent, 'recent')}
      </div>
    </aside>
  );
}

export function JobsButton() {
  const { running } = useJobCounts();
  const open = useApp((s) => s.jobsOpen);
  return (
    <Button
      variant="ghost"
      icon="jobs"
      onClick={() => setUi({ jobsOpen: !open })}
      aria-expanded={open}
      aria-label={`${strings.nav.jobs}${running ? ` (${strings.nav.runningJobs(running)})` : ''}`}
      data-testid="jobs-button"
    >
      {strings.nav.jobs}
      {running > 0 && (
        <span className="count-badge" data-testid="jobs-running-count" title={strings.nav.runningJobs(running)}>
          {running}
        </span>
      )}
    </Button>
  );
}
