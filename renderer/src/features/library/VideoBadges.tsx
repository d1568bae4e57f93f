import type { VideoSummary } from '../../../../core/api/types.js';
import { Badge, type Tone } from '../../components/ui.js';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { DuplicateBadge } from '../similar/DuplicateBadge.js';

const stateTone: Record<VideoSummary['state'], Tone> = { imported: 'neutral', reviewed: 'info', anonymized: 'success', missing: 'warning' };

/** The library namespace's `t`, asked for once by a grid or list and handed to each card. */
export type LibraryT = TFunction<'library'>;

/** A single video's badges (the video page): translates for itself. */
export function VideoBadges({ video }: { video: VideoSummary }) {
  const { t } = useTranslation('library');
  return <VideoBadgeList video={video} t={t} />;
}

/**
 * The badges with the caller's `t`. Cards in the grid and list use this: a `useTranslation` per card (its
 * i18n wrapper, fixed `t` and language subscription) was a quarter of the JavaScript a jump through the
 * 10,000-video grid spent mounting the cards on screen (Chromium CPU profile).
 */
export function VideoBadgeList({ video, t }: { video: VideoSummary; t: LibraryT }) {
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
