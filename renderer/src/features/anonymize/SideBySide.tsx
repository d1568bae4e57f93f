import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { AnonymizationPlan } from '../../../../core/api/types.js';
import { client } from '../../state/client.js';

/** The source time an output time shows (cuts shift the timeline). */
export function sourceTimeOf(plan: AnonymizationPlan, t: number): number {
  const [num, den] = plan.input.fps.split('/').map(Number) as [number, number];
  let left = Math.floor((t * num) / den + 1e-6);
  const frac = t - (left * den) / num;
  for (const k of plan.kept) {
    const len = k.endFrame - k.startFrame;
    if (left < len) return ((k.startFrame + left) * den) / num + frac;
    left -= len;
  }
  return plan.input.duration;
}

/**
 * The original and the anonymized output side by side: the output drives, the original follows (play, pause,
 * seek, rate), mapped through the removed segments so both show the same moment.
 */
export function SideBySide({ videoId, exportId, plan }: { videoId: number; exportId: number; plan: AnonymizationPlan }) {
  const { t } = useTranslation('anonymize');
  const orig = useRef<HTMLVideoElement>(null);
  const out = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const o = out.current;
    const s = orig.current;
    if (!o || !s) return;
    const sync = (force: boolean) => {
      const want = sourceTimeOf(plan, o.currentTime);
      if (force || Math.abs(s.currentTime - want) > 0.15) s.currentTime = want;
    };
    const onPlay = () => {
      sync(true);
      void s.play().catch(() => undefined);
    };
    const onPause = () => {
      s.pause();
      sync(true);
    };
    const onSeek = () => sync(true);
    const onTime = () => sync(false);
    const onRate = () => (s.playbackRate = o.playbackRate);
    o.addEventListener('play', onPlay);
    o.addEventListener('pause', onPause);
    o.addEventListener('seeked', onSeek);
    o.addEventListener('timeupdate', onTime);
    o.addEventListener('ratechange', onRate);
    return () => {
      o.removeEventListener('play', onPlay);
      o.removeEventListener('pause', onPause);
      o.removeEventListener('seeked', onSeek);
      o.removeEventListener('timeupdate', onTime);
      o.removeEventListener('ratechange', onRate);
    };
  }, [plan]);
  return (
    <div className="anon-side-by-side" data-testid="anon-side-by-side">
      <figure>
        <video ref={orig} src={client().mediaUrl({ kind: 'video', id: videoId })} muted preload="metadata" data-testid="anon-original" />
        <figcaption>{t('original')}</figcaption>
      </figure>
      <figure>
        <video
          ref={out}
          src={client().mediaUrl({ kind: 'export', id: exportId })}
          controls
          preload="metadata"
          data-testid="anon-output-video"
        />
        <figcaption>{t('anonymized')}</figcaption>
      </figure>
    </div>
  );
}
