import { useEffect, useState } from 'react';
import type { VideoDetail } from '../../../../core/api/types.js';
import { Button, EmptyState, Spinner } from '../../components/ui.js';
import { ErrorBoundary } from '../../components/ErrorBoundary.js';
import { navigate } from '../../lib/route.js';
import { client } from '../../state/client.js';
import { enqueueJob, useApp } from '../../state/store.js';
import { errorMessage } from '../../transport/types.js';
import { strings } from '../../strings.js';
import { VideoBadges } from '../library/VideoBadges.js';
import { panelsFor } from './panels.js';
import { Player } from './Player.js';

function useVideoDetail(id: number): { video: VideoDetail | null; error: string | null } {
  const [video, setVideo] = useState<VideoDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  // The summary in the store changes on every event about this video: refetch the detail then.
  const summary = useApp((s) => s.videos.get(id));
  useEffect(() => {
    let live = true;
    client()
      .call('videos.get', { video: id })
      .then((v) => live && (setVideo(v), setError(null)))
      .catch((err) => live && setError(errorMessage(err)));
    return () => {
      live = false;
    };
  }, [id, summary]);
  return { video: video && video.id === id ? video : null, error };
}

/** One video: player with frame-exact readout, and the panels features add (see panels.tsx). */
export function VideoView({ id }: { id: number }) {
  const { video, error } = useVideoDetail(id);
  const V = strings.video;
  if (error && !video)
    return (
      <main className="video-view">
        <EmptyState
          icon="alert"
          title={V.loadFailed(error)}
          body={V.notFound(id)}
          action={<Button onClick={() => navigate({ name: 'library' })}>{strings.nav.back}</Button>}
        />
      </main>
    );
  if (!video)
    return (
      <main className="video-view center-fill">
        <Spinner label={strings.connection.connecting} />
      </main>
    );
  return (
    <main className="video-view" aria-label={video.name} data-testid="video-view">
      <header className="video-head">
        <Button variant="ghost" icon="back" onClick={() => navigate({ name: 'library' })}>
          {strings.nav.library}
        </Button>
        <div className="video-title">
          <h1 title={video.originalPath} data-testid="video-title">
            {video.name}
          </h1>
          <VideoBadges video={video} />
        </div>
        <div className="video-actions" role="toolbar" aria-label={V.actions}>
          {panelsFor('actions').map((p) => (
            <ErrorBoundary key={p.id} name={p.title}>
              <p.component video={video} />
            </ErrorBoundary>
          ))}
          <Button size="sm" onClick={() => void enqueueJob('frame-count', { videoId: video.id })} data-testid="action-count-frames">
            {V.countFrames}
          </Button>
          <Button size="sm" onClick={() => void enqueueJob('verify-decode', { videoId: video.id })} data-testid="action-verify-decode">
            {V.verifyDecode}
          </Button>
        </div>
      </header>
      <div className="video-body">
        <div className="video-main">
          <Player video={video} />
          {panelsFor('below').map((p) => (
            <section key={p.id} className="panel" aria-label={p.title} data-panel={p.id}>
              <h2 className="panel-title">{p.title}</h2>
              <ErrorBoundary name={p.title}>
                <p.component video={video} />
              </ErrorBoundary>
            </section>
          ))}
        </div>
        <div className="video-side">
          {panelsFor('side').map((p) => (
            <section key={p.id} className="panel" aria-label={p.title} data-panel={p.id}>
              <h2 className="panel-title">{p.title}</h2>
              <ErrorBoundary name={p.title}>
                <p.component video={video} />
              </ErrorBoundary>
            </section>
          ))}
        </div>
      </div>
    </main>
  );
}
