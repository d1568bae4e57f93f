import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Clip } from '../../../../core/api/types.js';
import { Badge, Button, type Tone } from '../../components/ui.js';
import { client } from '../../state/client.js';
import { playerControls, usePlayer } from '../video/player.js';
import { loadExported, useClips, type ExportedClip } from './clipsStore.js';

const tone: Record<Clip['state'], Tone> = { pending: 'neutral', approved: 'success', skipped: 'warning', archived: 'info' };

/** At most two keyframe requests at a time (each is one ffmpeg run); a long video's list fills in order. */
const queue: Array<() => void> = [];
let running = 0;
function limited<T>(task: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const start = () => {
      running++;
      task()
        .then(resolve, reject)
        .finally(() => {
          running--;
          queue.shift()?.();
        });
    };
    if (running < 2) start();
    else queue.push(start);
  });
}

/** The middle keyframe of a clip (made on demand by the core, cached as an artifact). */
function ClipThumb({ videoId, clip }: { videoId: number; clip: Clip }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    limited(() => (live ? client().call('clips.keyframes', { video: videoId, id: clip.id, count: 1, width: 160 }) : Promise.resolve([])))
      .then((imgs) => live && imgs[0] && setSrc(client().mediaUrl({ kind: 'artifact', id: imgs[0].artifactId })))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [videoId, clip.id]);
  return src ? <img className="clip-thumb" src={src} alt="" data-testid={`clip-thumb-${clip.n}`} /> : <div className="clip-thumb" />;
}

/** Play one clip: from its first frame, pausing at its end. */
let stopAt: number | null = null;
usePlayer.subscribe((s) => {
  if (stopAt !== null && s.playing && s.frame >= stopAt) {
    stopAt = null;
    playerControls.pause();
  }
});

function playClip(c: Clip) {
  playerControls.seekToFrame(c.startFrame);
  stopAt = c.endFrame - 1;
  playerControls.togglePlay();
}

/** The exported file of a clip, played where the clip is listed (the file itself, not the source's range). */
function ExportedPlayer({ file, onClose }: { file: ExportedClip; onClose: () => void }) {
  const { t } = useTranslation('scenes');
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    // Started by the user's click on Play (a user gesture, so the browser lets it play with sound).
    void ref.current?.play().catch(() => undefined);
  }, [file.clipId]);
  return (
    <div className="clip-exported" onClick={(e) => e.stopPropagation()}>
      <video
        ref={ref}
        src={client().mediaUrl({ kind: 'clip', id: file.clipId })}
        controls
        preload="auto"
        aria-label={t('exportedFile', { n: file.n })}
        data-testid={`clip-exported-video-${file.n}`}
      />
      <span className="muted clip-exported-path" title={file.path} data-allow-clip>
        {file.path}
      </span>
      <Button size="sm" variant="ghost" onClick={onClose} data-testid="clip-exported-close">
        {t('close')}
      </Button>
    </div>
  );
}

export function ClipList({ videoId }: { videoId: number }) {
  const { t } = useTranslation('scenes');
  const { clips, selected, exported } = useClips();
  const [playing, setPlaying] = useState<number | null>(null);
  // Edits change clip ids and frames: which clips still have their exported file is asked again.
  useEffect(() => {
    void loadExported(videoId).catch(() => undefined);
  }, [videoId, clips]);
  const fmt = (s: number) => s.toFixed(2);
  return (
    <ol className="clip-list" data-testid="clip-list">
      {clips.map((c, i) => (
        <li
          key={c.id}
          className={i === selected ? 'clip-row clip-selected' : 'clip-row'}
          data-testid={`clip-row-${c.n}`}
          data-state={c.state}
          onClick={() => {
            useClips.setState({ selected: i });
            playerControls.seekToFrame(c.startFrame);
          }}
        >
          <ClipThumb videoId={videoId} clip={c} />
          <span className="clip-name">{t('clip', { n: c.n })}</span>
          <span className="clip-range">
            {fmt(c.start)}–{fmt(c.end)} s · {c.startFrame}–{c.endFrame}
          </span>
          <Badge tone={tone[c.state]}>{t(`state_${c.state}`)}</Badge>
          <Button
            size="sm"
            variant="ghost"
            onClick={(e) => {
              e.stopPropagation();
              if (exported.has(c.id)) setPlaying(c.id);
              else playClip(c);
            }}
            title={exported.get(c.id)?.path}
            data-exported={exported.has(c.id)}
            data-testid={`clip-play-${c.n}`}
          >
            {exported.has(c.id) ? t('playExported') : t('play')}
          </Button>
          {playing === c.id && exported.get(c.id) && <ExportedPlayer file={exported.get(c.id)!} onClose={() => setPlaying(null)} />}
        </li>
      ))}
    </ol>
  );
}
