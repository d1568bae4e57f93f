import { useState } from 'react';
import type { VideoSummary } from '../../../../core/api/types.js';
import { Icon } from '../../components/Icon.js';
import { client } from '../../state/client.js';
import { useTranslation } from 'react-i18next';

/** The placeholder when a video has no thumbnail (or it failed to load). */
function EmptyThumbnail({ className }: { className?: string }) {
  const { t } = useTranslation('library');
  return (
    <div className={`thumb thumb-empty ${className ?? ''}`} aria-label={t('noThumbnail')}>
      <Icon name="film" size={22} />
    </div>
  );
}

/**
 * A video's thumbnail. Mounted for every card that scrolls into the grid, so it stays light: no translation
 * hook unless the placeholder shows, and no lazy loading (the grid only mounts cards near the viewport, where
 * a lazy image would load at once anyway, one layout later).
 */
export function Thumbnail({ video, className }: { video: VideoSummary; className?: string }) {
  const [broken, setBroken] = useState(false);
  if (video.thumbnailArtifactId === null || broken) return <EmptyThumbnail className={className} />;
  return (
    <img
      className={`thumb ${className ?? ''}`}
      src={client().mediaUrl({ kind: 'artifact', id: video.thumbnailArtifactId })}
      alt=""
      decoding="async"
      draggable={false}
      onError={() => setBroken(true)}
    />
  );
}
