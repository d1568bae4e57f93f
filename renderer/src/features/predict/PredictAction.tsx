import './predict.css';
import { useEffect, useState } from 'react';
import type { ModelInfo } from '../../../../core/api/types.js';
import { Button } from '../../components/ui.js';
import { client } from '../../state/client.js';
import { notify } from '../../state/store.js';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../i18n/errors.js';
import type { VideoPanelProps } from '../video/panel-types.js';

const FPS_CHOICES = ['default', '1', '2', '5', '10', 'all'] as const;

/** Header action of the video view: "Predict…" opens a small form with the model picker and sampling rate. */
export function PredictAction({ video }: VideoPanelProps) {
  const { t } = useTranslation('predict');
  const [open, setOpen] = useState(false);
  const [models, setModels] = useState<ModelInfo[] | null>(null);
  const [model, setModel] = useState('');
  const [fps, setFps] = useState<(typeof FPS_CHOICES)[number]>('default');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!open) return;
    let live = true;
    client()
      .call('models.list', {})
      .then((all) => {
        if (!live) return;
        // Embedding models (similar clips) share the model store but predict nothing.
        const list = all.filter((x) => x.task !== 'embedding');
        setModels(list);
        setModel((m) => m || list.find((x) => x.isDefault)?.name || list[0]?.name || '');
      })
      .catch((err) => live && setError(errorText(err)));
    return () => {
      live = false;
    };
  }, [open]);

  const selected = models?.find((m) => m.name === model) ?? null;

  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      await client().call('predict.run', {
        video: video.id,
        model,
        ...(fps === 'default' ? {} : { fps: fps === 'all' ? 'all' : Number(fps) }),
      });
      setOpen(false);
    } catch (err) {
      setError(errorText(err));
      notify(t('failed', { file: video.name, reason: errorText(err) }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="predict-action">
      <Button size="sm" onClick={() => setOpen((o) => !o)} aria-expanded={open} data-testid="action-predict">
        {t('action')}
      </Button>
      {open && (
        <div
          className="predict-popover"
          role="dialog"
          aria-label={t('dialogTitle')}
          data-testid="predict-dialog"
          onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}
        >
          <label className="field">
            <span>{t('model')}</span>
            <select value={model} onChange={(e) => setModel(e.target.value)} disabled={!models} data-testid="predict-model">
              {(models ?? []).map((m) => (
                <option key={m.name} value={m.name}>
                  {t(m.builtin ? 'modelOptionBuiltin' : 'modelOption', { name: m.name, version: m.version })}
                </option>
              ))}
            </select>
          </label>
          {selected && <p className="hint">{t('labels', { labels: selected.labels.join(', ') })}</p>}
          <label className="field">
            <span>{t('sampling')}</span>
            <select value={fps} onChange={(e) => setFps(e.target.value as typeof fps)} data-testid="predict-fps">
              {FPS_CHOICES.map((f) => (
                <option key={f} value={f}>
                  {f === 'default' ? t('fpsDefault') : f === 'all' ? t('fpsAll') : t('fpsPerSecond', { fps: f })}
                </option>
              ))}
            </select>
          </label>
          {error && (
            <p className="predict-error" role="alert">
              {error}
            </p>
          )}
          <div className="row gap-s">
            <Button variant="primary" size="sm" disabled={!model || busy} onClick={() => void run()} data-testid="predict-run">
              {t('run')}
            </Button>
            <Button variant="ghost" size="sm" onClick={() => setOpen(false)}>
              {t('cancel')}
            </Button>
          </div>
        </div>
      )}
    </div>
  );
}
