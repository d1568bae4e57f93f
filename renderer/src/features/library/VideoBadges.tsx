import type { VideoSummary } from '../../../../core/api/types.js';
import { Badge, type Tone } from '../../components/ui.js';
import { useTranslation } from 'react-i18next';
import { DuplicateBadge } from '../similar/DuplicateBadge.js';

const stateTone: Record<VideoSummary['state'], Tone> = { imported: 'neutral', reviewed: 'info', anonymized: 'success', missing: 'warning' };

export function VideoBadges({ video }: { video: VideoSummary }) {
  const { t } = useTranslation('library');
  return (
    <span className="badges" data-testid="video-badges">
      <Badge tone={stateTone[video.state]}>{t(`badges.${video.state}`)}</Badge>
      {video.activeJobs > 0 && <Badge tone="accent">{t('badges.processing')}</Badge>}
      {video.lastJobFailed && <Badge tone="danger">{t('badges.failed')}</Badge>}
      <DuplicateBadge videoId={video.id} />
      {video.review.total > 0 && (
        <span data-testid="review-progress" data-validated={video.review.validated} data-total={video.review.total}>
          <Badge tone={video.review.validated === video.review.total ? 'success' : 'neutral'}>
            {t('reviewProgress', { validated: video.review.validated, total: video.review.total })}
          </Badge>
        </span>
      )}
    </span>
  );
}
