import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ModelInfo } from '../../../../core/api/types.js';
import { Badge, Button } from '../../components/ui.js';
import { errorText } from '../../i18n/errors.js';
import { formatBytes, formatDateTime } from '../../i18n/format.js';
import { client } from '../../state/client.js';
import { ClientError } from '../../transport/types.js';
import { notify } from '../../state/store.js';
import '../settings/settings.css';

/** The Models screen: everything `framewise models` does — add from a manifest, list, default, remove. */
export function ModelsView() {
  const { t } = useTranslation('models');
  const [models, setModels] = useState<ModelInfo[] | null>(null);
  const [manifest, setManifest] = useState('');
  const [makeDefault, setMakeDefault] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    client()
      .call('models.list', {})
      .then(setModels)
      .catch((err) => setError(errorText(err)));
  }, []);
  useEffect(load, [load]);
  const act = async (fn: () => Promise<unknown>) => {
    try {
      setError(null);
      await fn();
      load();
    } catch (err) {
      setError(errorText(err));
    }
  };
  // The core reads and validates the manifest and its .onnx file; its reason is shown under the field.
  const add = (manifestPath: string) =>
    act(async () => {
      const m = await client().call('models.add', { manifestPath, setDefault: makeDefault });
      notify(t('addedOk', { name: m.name }), 'info');
      setManifest('');
    });
  const picker = client().pickFile;
  const choose = async () => {
    const chosen = await picker?.('model-manifest');
    if (!chosen) return;
    setManifest(chosen);
    await add(chosen);
  };
  const uploader = client().uploadModel;
  const upload = async (files: File[]) => {
    if (!uploader || files.length === 0) return;
    await act(async () => {
      const r = await uploader(files, makeDefault);
      if (r.error) throw new ClientError(r.error);
      if (r.model) notify(t('addedOk', { name: r.model.name }), 'info');
    });
  };
  return (
    <main className="settings-view" data-testid="models-view">
      <h1>{t('title')}</h1>
      <p className="muted settings-intro">{t('intro')}</p>
      <section className="settings-section" aria-labelledby="models-add">
        <h2 id="models-add">{t('add')}</h2>
        <form
          className="models-add"
          onSubmit={(e) => {
            e.preventDefault();
            const p = manifest.trim();
            if (!p) return;
            void add(p);
          }}
        >
          <label htmlFor="model-manifest">{t('manifestPath')}</label>
          <div className="row gap-s">
            <input
              id="model-manifest"
              className="input grow"
              value={manifest}
              placeholder={t('manifestPlaceholder')}
              spellCheck={false}
              onChange={(e) => setManifest(e.target.value)}
              aria-describedby={error ? 'models-error' : undefined}
              aria-invalid={!!error}
              data-testid="model-manifest"
            />
            {uploader && (
              <label className="btn btn-secondary btn-md" title={t('uploadHint')}>
                {t('upload')}
                <input
                  type="file"
                  multiple
                  accept=".json,.onnx"
                  className="sr-only"
                  data-testid="model-upload"
                  onChange={(e) => {
                    const files = Array.from(e.target.files ?? []);
                    e.target.value = '';
                    void upload(files);
                  }}
                />
              </label>
            )}
            {picker && (
              <Button onClick={() => void choose()} data-testid="model-choose">
                {t('choose')}
              </Button>
            )}
            <Button variant="primary" type="submit" disabled={!manifest.trim()} data-testid="model-add">
              {t('addButton')}
            </Button>
          </div>
          <label className="checkbox">
            <input type="checkbox" checked={makeDefault} onChange={(e) => setMakeDefault(e.target.checked)} />
            <span>{t('makeDefault')}</span>
          </label>
        </form>
        {error && (
          <p className="error-text" role="alert" id="models-error" data-testid="models-error">
            {error}
          </p>
        )}
      </section>
      {models && models.length === 0 && <p className="muted">{t('none')}</p>}
      {models?.map((m) => (
        <section key={m.name} className="settings-section model-card" data-testid="model" data-model={m.name} aria-label={m.name}>
          <header className="model-head">
            <h2>
              {m.name} <span className="muted">{m.version}</span>
            </h2>
            {m.isDefault && <Badge tone="success">{t('default')}</Badge>}
            {m.builtin && <Badge>{t('builtin')}</Badge>}
            <span className="grow" />
            {!m.isDefault && (
              <Button
                size="sm"
                onClick={() => void act(() => client().call('models.setDefault', { name: m.name }))}
                data-testid="model-default"
              >
                {t('setDefault')}
              </Button>
            )}
            {!m.builtin && (
              <Button
                size="sm"
                variant="danger"
                onClick={() =>
                  window.confirm(t('removeConfirm', { name: m.name })) && void act(() => client().call('models.remove', { name: m.name }))
                }
                data-testid="model-remove"
              >
                {t('remove')}
              </Button>
            )}
          </header>
          <dl className="meta">
            <div className="meta-row">
              <dt>{t('labels')}</dt>
              <dd data-testid="model-labels">{m.labels.join(', ')}</dd>
            </div>
            <div className="meta-row">
              <dt>{t('input')}</dt>
              <dd data-testid="model-input">{t('inputSpec', { ...m.input })}</dd>
            </div>
            <div className="meta-row">
              <dt>{t('task')}</dt>
              <dd>{t(`tasks.${m.task}`)}</dd>
            </div>
            <div className="meta-row">
              <dt>{t('size')}</dt>
              <dd>{formatBytes(m.size)}</dd>
            </div>
            <div className="meta-row">
              <dt>{t('added')}</dt>
              <dd>{formatDateTime(m.addedAt)}</dd>
            </div>
          </dl>
        </section>
      ))}
    </main>
  );
}
