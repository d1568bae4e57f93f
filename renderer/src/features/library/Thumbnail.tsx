import { useState } from 'react';
import type { VideoSummary } from '../../../../core/api/types.js';
import { Icon } from '../../components/Icon.js';
import { client } from '../../state/client.js';
import { useTranslation } from 'react-i18next';

export function Thumbnail({ video, className }: { video: VideoSummary; className?: string }) {
  const { t } = useTranslation('library');
  const [broken, setBroken] = useState(false);
  if (video.thumbnailArtifactId === null || broken) {
    return (
      <div className={`thumb thumb-empty ${className ?? ''}`} aria-label={t('noThumbnail')}>
        <Icon name="film" size={22} />
      </div>
    );
  }
  return (
    <img
      className={`thumb ${className ?? ''}`}
      src={client().mediaUrl({ kind: 'artifact', id: video.thumbnailArtifactId })}
      alt=""
      loading="lazy"
      decoding="async"
      draggable={false}
      onError={() => setBroken(true)}
    />
  );
}
