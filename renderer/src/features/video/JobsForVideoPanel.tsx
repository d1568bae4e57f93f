import { useMemo } from 'react';
import { useApp } from '../../state/store.js';
import { strings } from '../../strings.js';
import { JobRow } from '../jobs/JobsPanel.js';
import type { VideoPanelProps } from './panel-types.js';

export function JobsForVideoPanel({ video }: VideoPanelProps) {
  const jobs = useApp((s) => s.jobs);
  const mine = useMemo(
    () =>
      [...jobs.values()]
        .filter((j) => j.videoId === video.id)
        .sort((a, b) => b.id - a.id)
        .slice(0, 20),
    [jobs, video.id],
  );
  if (!mine.length) return <p className="muted">{strings.video.noJobs}</p>;
  return (
    <ul className="jobs-inline" data-testid="video-jobs">
      {mine.map((j) => (
        <JobRow key={j.id} job={j} />
      ))}
    </ul>
  );
}
