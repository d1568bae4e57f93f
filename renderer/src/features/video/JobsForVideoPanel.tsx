import { useMemo } from 'react';
import { useApp } from '../../state/store.js';
import { useTranslation } from 'react-i18next';
import { JobRow } from '../jobs/JobsPanel.js';
import type { VideoPanelProps } from './panel-types.js';

export function JobsForVideoPanel({ video }: VideoPanelProps) {
  const { t } = useTranslation('video');
  const jobs = useApp((s) => s.jobs);
  const mine = useMemo(
    () =>
      [...jobs.values()]
        .filter((j) => j.videoId === video.id)
        .sort((a, b) => b.id - a.id)
        .slice(0, 20),
    [jobs, video.id],
  );
  if (!mine.length) return <p className="muted">{t('noJobs')}</p>;
  return (
    <ul className="jobs-inline" data-testid="video-jobs">
      {mine.map((j) => (
        <JobRow key={j.id} job={j} />
      ))}
    </ul>
  );
}
