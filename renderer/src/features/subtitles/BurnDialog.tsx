import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { VideoDetail } from '../../../../core/api/types.js';
import { Button } from '../../components/ui.js';
import { Modal } from '../../components/Modal.js';
import { client } from '../../state/client.js';
import { notify } from '../../state/store.js';
import { errorMessage } from '../../transport/types.js';
import { usePlayer } from '../video/player.js';
import { clock } from './time.js';

const STYLES = ['default', 'box', 'large', 'top'] as const;
type Style = (typeof STYLES)[number];

/** Burn the track into a copy: pick a style, see it on a preview frame (rendered by the core with libass), start. */
export function BurnDialog({ video, trackId, onClose }: { video: VideoDetail; trackId: number; onClose: () => void }) {
  const { t } = useTranslation('subtitles');
  const [style, setStyle] = useState<Style>('default');
  const [preview, setPreview] = useState<{ png: string; timeMs: number } | null>(null);
  const [output, setOutput] = useState(() => video.path.replace(/\.[^./\\]+$/, '') + '-subtitled.mp4');
  const at = usePlayer((s) => s.currentTime);
  useEffect(() => {
    let live = true;
    client()
      .call('subtitles.preview', { video: video.id, track: trackId, style, timeMs: Math.round(at * 1000) })
      .then((p) => live && setPreview(p))
      .catch((err: unknown) => live && notify(errorMessage(err)));
    return () => {
      live = false;
    };
    // The preview follows the style; the time is the playhead when the dialog opened.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [style, trackId, video.id]);
  const start = async () => {
    try {
      await client().call('subtitles.burn', { video: video.id, track: trackId, output, style });
      notify(t('started'));
      onClose();
    } catch (err) {
      notify(errorMessage(err));
    }
  };
  return (
    <Modal title={t('burnTitle')} onClose={onClose} closeLabel={t('close')} testId="subtitle-burn-dialog">
      <div className="sub-burn">
        <label>
          <span>{t('style')}</span>
          <select value={style} data-testid="subtitle-burn-style" onChange={(e) => setStyle(e.target.value as Style)}>
            {STYLES.map((s) => (
              <option key={s} value={s}>
                {t(`styles.${s}`)}
              </option>
            ))}
          </select>
        </label>
        {preview && (
          <figure>
            <img src={preview.png} alt={t('previewAlt')} data-testid="subtitle-burn-preview" />
            <figcaption>{t('previewAt', { time: clock(preview.timeMs) })}</figcaption>
          </figure>
        )}
        <label>
          <span>{t('output')}</span>
          <input value={output} onChange={(e) => setOutput(e.target.value)} data-testid="subtitle-burn-output" />
        </label>
        <Button variant="primary" onClick={() => void start()} data-testid="subtitle-burn-start">
          {t('start')}
        </Button>
      </div>
    </Modal>
  );
}
