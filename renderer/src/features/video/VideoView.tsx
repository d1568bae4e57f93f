import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { VideoDetail } from '../../../../core/api/types.js';
import { Button, EmptyState, Spinner } from '../../components/ui.js';
import { ErrorBoundary } from '../../components/ErrorBoundary.js';
import { navigate } from '../../lib/route.js';
import { client } from '../../state/client.js';
import { enqueueJob, useApp } from '../../state/store.js';
import { errorText } from '../../i18n/errors.js';
import { VideoBadges } from '../library/VideoBadges.js';
import { panelsFor } from './panels.js';
import { SplitHandle, usePlayerShare } from './SplitHandle.js';
import './video.css';
import { Player } from './Player.js';
import { useSecondaryPanelsReady } from './firstDraw.js';

function useVideoDetail(id: number): { video: VideoDetail | null; error: string | null } {
  const [video, setVideo] = useState<VideoDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  // The summary in the store changes on every event about this video: refetch the detail then — when its content
  // changed, not each time a list answer replaces it with an equal copy (three videos.get per page start before).
  const summary = useApp((s) => {
    const v = s.videos.get(id);
    return v ? JSON.stringify(v) : null;
  });
  useEffect(() => {
    let live = true;
    client()
      .call('videos.get', { video: id })
      .then((v) => live && (setVideo(v), setError(null)))
      .catch((err) => live && setError(errorText(err)));
    return () => {
      live = false;
    };
  }, [id, summary]);
  return { video: video && video.id === id ? video : null, error };
}

/**
 * One video: the header (name, badges, actions), then the player above the lanes (timeline, predictions) with
 * a resizable split so the picture and the edge being dragged stay on one screen, and the side panels.
 */
export function VideoView({ id }: { id: number }) {
  const { t } = useTranslation('video');
  const { t: tc } = useTranslation();
  const { video, error } = useVideoDetail(id);
  const mainRef = useRef<HTMLDivElement>(null);
  const [share, setShare] = usePlayerShare();
  // The timeline draws first; every other panel mounts after it (firstDraw.ts). Their frames are laid out already.
  const secondary = useSecondaryPanelsReady(id);
  if (error && !video)
    return (
      <main className="video-view">
        <EmptyState
          icon="alert"
          title={t('loadFailed', { reason: error })}
          body={t('notFound', { id })}
          action={<Button onClick={() => navigate({ name: 'library' })}>{tc('nav.back')}</Button>}
        />
      </main>
    );
  if (!video)
    return (
      <main className="video-view center-fill">
        <Spinner label={tc('connection.connecting')} />
      </main>
    );
  return (
    <main className="video-view" aria-label={video.name} data-testid="video-view">
      <header className="video-head">
        <Button variant="ghost" icon="back" onClick={() => navigate({ name: 'library' })}>
          {tc('nav.library')}
        </Button>
        <div className="video-title">
          <h1 title={video.originalPath} data-testid="video-title" data-allow-clip>
            {video.name}
          </h1>
          <VideoBadges video={video} />
        </div>
        <div className="video-actions" role="toolbar" aria-label={t('actions')}>
          {panelsFor('actions').map((p) =>
            secondary ? (
              <ErrorBoundary key={p.id} name={p.title()}>
                <p.component video={video} />
              </ErrorBoundary>
            ) : null,
          )}
          <Button size="sm" onClick={() => void enqueueJob('frame-count', { videoId: video.id })} data-testid="action-count-frames">
            {t('countFrames')}
          </Button>
          <Button
            size="sm"
            onClick={() => void enqueueJob('verify-decode', { videoId: video.id })}
            title={t('verifyDecodeHint')}
            data-testid="action-verify-decode"
          >
            {t('verifyDecode')}
          </Button>
        </div>
      </header>
      <div className="video-body">
        <div className="video-main" ref={mainRef} style={{ ['--player-share' as string]: String(share) }}>
          <div className="video-player-pane">
            <Player video={video} />
          </div>
          <SplitHandle container={mainRef} share={share} onChange={setShare} label={t('resizeSplit')} />
          <div className="video-lanes" data-testid="video-lanes">
            {panelsFor('below').map((p) => (
              <section key={p.id} className="panel" aria-label={p.title()} data-panel={p.id}>
                <h2 className="panel-title">{p.title()}</h2>
                <ErrorBoundary name={p.title()}>{secondary || p.id === 'timeline' ? <p.component video={video} /> : null}</ErrorBoundary>
              </section>
            ))}
          </div>
        </div>
        <div className="video-side" data-testid="video-side">
          {panelsFor('side').map((p) => (
            <section key={p.id} className="panel" aria-label={p.title()} data-panel={p.id}>
              <h2 className="panel-title">{p.title()}</h2>
              <ErrorBoundary name={p.title()}>{secondary ? <p.component video={video} /> : null}</ErrorBoundary>
            </section>
          ))}
        </div>
      </div>
    </main>
  );
}
