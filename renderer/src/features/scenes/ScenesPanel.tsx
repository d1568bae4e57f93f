import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { client } from '../../state/client.js';
import type { VideoPanelProps } from '../video/panel-types.js';
import { ClipList } from './ClipList.js';
import { loadClips, useClips } from './clipsStore.js';
import { ScenesLane } from './ScenesLane.js';
import './scenes.css';

/** Under the player: the Scenes lane and the clip list of the video. */
export function ScenesPanel({ video }: VideoPanelProps) {
  const { t } = useTranslation('scenes');
  const count = useClips((s) => (s.videoId === video.id ? s.clips.length : 0));
  useEffect(() => {
    void loadClips(video.id).catch(() => undefined);
    return client().subscribe((e) => {
      if (e.type === 'data.changed' && e.videoId === video.id && (e.topic === 'clips' || e.topic === 'scenes'))
        void loadClips(video.id).catch(() => undefined);
    });
  }, [video.id]);
  return (
    <section className="scenes-panel" aria-label={t('title')} data-testid="scenes-panel">
      {count ? (
        <>
          <ScenesLane videoId={video.id} />
          <ClipList videoId={video.id} />
        </>
      ) : (
        <p className="muted">{t('none')}</p>
      )}
    </section>
  );
}
