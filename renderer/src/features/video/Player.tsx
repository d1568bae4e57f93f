import { useEffect, useRef, useState } from 'react';
import type { VideoDetail } from '../../../../core/api/types.js';
import { IconButton } from '../../components/ui.js';
import { formatTimecode } from '../../lib/format.js';
import { client } from '../../state/client.js';
import { useTranslation } from 'react-i18next';
import { startOfFrame } from '../../lib/frames.js';
import { useSecondaryPanelsReady } from './firstDraw.js';
import { attachVideoElement, playerControls, setStreamOffset, syncTime, usePlayer } from './player.js';

/** Seconds the picture starts after the file does (from the probe; 0 for videos probed before it was kept). */
function videoStartOf(video: VideoDetail): number {
  const start = (video.metadata as { videoStart?: unknown } | null)?.videoStart;
  return typeof start === 'number' && start > 0 ? start : 0;
}

function lastFrameOf(video: VideoDetail): number {
  if (video.frameCount && video.frameCount > 0) return video.frameCount - 1;
  if (video.fps) return Math.max(0, Math.floor(((video.duration - videoStartOf(video)) * video.fps.num) / video.fps.den) - 1);
  return 0;
}

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  return el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable;
}

/** The video player: plays from the media URL (Range requests), steps frames, shows time and frame number. */
export function Player({ video }: { video: VideoDetail }) {
  const ref = useRef<HTMLVideoElement>(null);
  const stageRef = useRef<HTMLDivElement>(null);
  const { currentTime, frame, playing, lastFrame, error } = usePlayer();
  const [frameInput, setFrameInput] = useState('');
  const [muted, setMuted] = useState(false);
  const [rate, setRate] = useState(1);
  const { t } = useTranslation('video');
  const fps = usePlayer((s) => s.fps);

  useEffect(() => {
    setStreamOffset(videoStartOf(video));
    usePlayer.setState({
      videoId: video.id,
      fps: video.fps ? { num: video.fps.num, den: video.fps.den } : null,
      lastFrame: lastFrameOf(video),
      duration: video.duration,
      error: null,
    });
  }, [video]);

  useEffect(() => {
    const el = ref.current;
    attachVideoElement(el);
    usePlayer.setState({ currentTime: 0, frame: 0, playing: false, error: null });
    if (!el) return;
    let handle = 0;
    const rvfc = 'requestVideoFrameCallback' in el;
    const onFrame = (_now: number, meta: { mediaTime: number }) => {
      syncTime(meta.mediaTime);
      if (!el.paused) handle = el.requestVideoFrameCallback(onFrame);
    };
    const onPlay = () => {
      usePlayer.setState({ playing: true });
      if (rvfc) handle = el.requestVideoFrameCallback(onFrame);
    };
    const onPause = () => {
      usePlayer.setState({ playing: false });
      syncTime(el.currentTime);
    };
    const onTime = () => {
      if (el.paused || !rvfc) syncTime(el.currentTime);
    };
    const onError = () => {
      const err = el.error;
      usePlayer.setState({
        error: t('playbackFailed', { file: video.name, reason: err?.message || `media error ${err?.code ?? ''}`.trim() }),
      });
    };
    el.addEventListener('play', onPlay);
    el.addEventListener('pause', onPause);
    el.addEventListener('seeked', onTime);
    el.addEventListener('timeupdate', onTime);
    el.addEventListener('error', onError);
    return () => {
      if (rvfc && handle) el.cancelVideoFrameCallback(handle);
      el.removeEventListener('play', onPlay);
      el.removeEventListener('pause', onPause);
      el.removeEventListener('seeked', onTime);
      el.removeEventListener('timeupdate', onTime);
      el.removeEventListener('error', onError);
      attachVideoElement(null);
    };
  }, [video.id, video.name, t]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target) || e.altKey || e.ctrlKey || e.metaKey) return;
      if (document.querySelector('[role="dialog"]')) return;
      // Shift: one second (the nearest whole number of frames at the video's frame rate).
      const fps = usePlayer.getState().fps;
      const n = e.shiftKey ? Math.max(1, Math.round(fps ? fps.num / fps.den : 10)) : 1;
      if (e.key === 'ArrowLeft') playerControls.step(-n);
      else if (e.key === 'ArrowRight') playerControls.step(n);
      else if (e.key === 'Home') playerControls.seekToFrame(0);
      else if (e.key === 'End') playerControls.seekToFrame(Number.MAX_SAFE_INTEGER);
      else if (e.key === ' ' && !(e.target instanceof HTMLButtonElement)) playerControls.togglePlay();
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // The media load (preload="auto" streams the file: the bridge reads and sends it, Chromium's network service and
  // media threads take it in) starts once the timeline has drawn, with the other panels (firstDraw.ts): under load
  // it competed with the timeline's request for the CPU (feat/rev3 in docs/benchmarks.md).
  const mediaReady = useSecondaryPanelsReady(video.id);
  const src = mediaReady ? client().mediaUrl({ kind: 'video', id: video.id }) : undefined;
  return (
    <div className="player" data-testid="player">
      <div
        className="player-stage"
        ref={stageRef}
        tabIndex={0}
        aria-label={`${video.name}: ${t('keyboardHint')}`}
        data-testid="player-stage"
      >
        <video ref={ref} src={src} preload="auto" playsInline data-testid="video-element" onClick={() => playerControls.togglePlay()} />
        {error && (
          <div className="player-error" role="alert" data-testid="player-error">
            {error}
          </div>
        )}
      </div>
      <div className="player-controls">
        <input
          type="range"
          className="seek"
          min={0}
          max={lastFrame}
          step={1}
          value={frame}
          aria-label={t('seek')}
          aria-valuetext={`${t('frame')} ${frame}`}
          onChange={(e) => playerControls.seekToFrame(Number(e.target.value))}
          data-testid="seek-bar"
        />
        <div className="player-row">
          <div className="row gap-xs">
            <IconButton icon="stepBack" label={t('stepBack')} onClick={() => playerControls.step(-1)} data-testid="step-back" />
            <button
              type="button"
              className="play-btn"
              aria-label={playing ? t('pause') : t('play')}
              title={playing ? t('pause') : t('play')}
              onClick={() => playerControls.togglePlay()}
              data-testid="play"
            >
              <svg width="18" height="18" viewBox="0 0 24 24" aria-hidden="true" fill="currentColor">
                <path d={playing ? 'M7 5h3.5v14H7zM13.5 5H17v14h-3.5z' : 'M7 4.5v15l12-7.5z'} />
              </svg>
            </button>
            <IconButton icon="stepForward" label={t('stepForward')} onClick={() => playerControls.step(1)} data-testid="step-forward" />
          </div>
          <div className="readout">
            <span className="readout-item">
              <span className="readout-label">{t('time')}</span>
              <span className="num" data-testid="current-time">
                {formatTimecode(fps ? startOfFrame(frame, fps) : currentTime)}
              </span>
            </span>
            <span className="readout-item">
              <span className="readout-label">{t('frame')}</span>
              <span className="num strong" data-testid="frame-number">
                {frame}
              </span>
              <span className="muted num">{t('frameOf', { count: lastFrame + 1 })}</span>
            </span>
            {video.variableFrameRate && (
              <span className="badge badge-warning" title={t('vfrNote')}>
                {t('vfr')}
              </span>
            )}
          </div>
          <div className="row gap-s player-options">
            <IconButton
              icon={muted ? 'volumeOff' : 'volume'}
              label={muted ? t('unmute') : t('mute')}
              aria-pressed={muted}
              onClick={() => {
                const el = ref.current;
                if (el) el.muted = !el.muted;
                setMuted(!muted);
              }}
              data-testid="mute"
            />
            <select
              aria-label={t('speed')}
              className="input-sm"
              value={rate}
              onChange={(e) => {
                const r = Number(e.target.value);
                if (ref.current) ref.current.playbackRate = r;
                setRate(r);
              }}
              data-testid="playback-rate"
            >
              {[0.25, 0.5, 1, 1.5, 2].map((r) => (
                <option key={r} value={r}>
                  {r}×
                </option>
              ))}
            </select>
          </div>
          <form
            className="goto"
            onSubmit={(e) => {
              e.preventDefault();
              const n = Number(frameInput);
              if (frameInput.trim() !== '' && Number.isFinite(n)) playerControls.seekToFrame(n);
              // Hand the keyboard back to the player so ←/→ step from the new frame.
              (document.activeElement as HTMLElement | null)?.blur();
              stageRef.current?.focus({ preventScroll: true });
            }}
          >
            <label htmlFor="goto-frame" className="readout-label">
              {t('goToFrame')}
            </label>
            <input
              id="goto-frame"
              className="input input-sm num"
              inputMode="numeric"
              value={frameInput}
              onChange={(e) => setFrameInput(e.target.value.replace(/[^\d]/g, ''))}
              data-testid="goto-frame"
            />
          </form>
        </div>
      </div>
    </div>
  );
}
