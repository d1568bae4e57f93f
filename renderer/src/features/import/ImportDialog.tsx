import { useCallback, useEffect, useRef, useState } from 'react';
import { Badge, Button, ProgressBar, type Tone } from '../../components/ui.js';
import { Icon } from '../../components/Icon.js';
import { Modal } from '../../components/Modal.js';
import { navigate } from '../../lib/route.js';
import { clearImportItems, retryJob, setUi, useApp, type ImportItem, type ImportPhase } from '../../state/store.js';
import { useTranslation } from 'react-i18next';
import './import.css';
import { filesFromDataTransfer, filesFromInput, importFiles, importPaths } from './importer.js';
import { client } from '../../state/client.js';

const tone: Record<ImportPhase, Tone> = {
  uploading: 'accent',
  queued: 'neutral',
  running: 'accent',
  imported: 'success',
  duplicate: 'warning',
  relinked: 'info',
  failed: 'danger',
  cancelled: 'neutral',
};

function ResultRow({ item }: { item: ImportItem }) {
  const { t } = useTranslation('import');
  const busy = item.phase === 'uploading' || item.phase === 'running';
  return (
    <li className={`import-row import-${item.phase}`} data-testid="import-result" data-phase={item.phase}>
      <Icon name="file" size={16} />
      <div className="import-row-main">
        <div className="import-row-top">
          <span className="import-name" title={item.path ?? item.name} data-testid="import-name" data-allow-clip>
            {item.name}
          </span>
          <Badge tone={tone[item.phase]}>{t(`phases.${item.phase}`)}</Badge>
        </div>
        {busy && <ProgressBar value={item.progress} label={`${t(`phases.${item.phase}`)} ${item.name}`} />}
        {item.error && (
          <div className="import-error" data-testid="import-error">
            {item.error}
          </div>
        )}
      </div>
      {item.videoId !== null && (item.phase === 'imported' || item.phase === 'duplicate' || item.phase === 'relinked') && (
        <Button
          size="sm"
          variant="ghost"
          onClick={() => {
            setUi({ importOpen: false });
            navigate({ name: 'video', id: item.videoId! });
          }}
        >
          {t('open')}
        </Button>
      )}
      {item.phase === 'failed' && item.jobId !== null && (
        <Button size="sm" variant="ghost" icon="retry" onClick={() => void retryJob(item.jobId!)}>
          {t('retry')}
        </Button>
      )}
    </li>
  );
}

export function ImportDialog() {
  const items = useApp((s) => s.imports);
  const copy = useApp((s) => s.importCopy);
  useEffect(() => {
    if (copy !== null) return;
    client()
      .call('settings.get', {})
      .then((settings) => setUi({ importCopy: settings.copyIntoLibrary === true }))
      .catch(() => setUi({ importCopy: false }));
  }, [copy]);
  const [byPath, setByPath] = useState('');
  const [zoneActive, setZoneActive] = useState(false);
  const filesInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const close = useCallback(() => setUi({ importOpen: false }), []);
  const { t } = useTranslation('import');
  const submitPath = () => {
    const paths = [byPath.trim()].filter(Boolean);
    if (!paths.length) return;
    setByPath('');
    void importPaths(paths);
  };
  return (
    <Modal title={t('title')} onClose={close} closeLabel={t('close')} testId="import-dialog">
      <div
        className={`drop-zone ${zoneActive ? 'drop-zone-active' : ''}`}
        data-testid="drop-zone"
        onDragOver={(e) => {
          e.preventDefault();
          setZoneActive(true);
        }}
        onDragLeave={() => setZoneActive(false)}
        onDrop={(e) => {
          e.preventDefault();
          e.stopPropagation();
          setZoneActive(false);
          void filesFromDataTransfer(e.dataTransfer, client().mode === 'browser').then(importFiles);
        }}
      >
        <Icon name="upload" size={28} />
        <div className="drop-zone-title">{t('zoneTitle')}</div>
        <div className="muted">{t('zoneOr')}</div>
        <div className="row gap-s">
          <Button icon="file" onClick={() => filesInput.current?.click()} data-autofocus>
            {t('chooseFiles')}
          </Button>
          <Button icon="folder" onClick={() => folderInput.current?.click()}>
            {t('chooseFolder')}
          </Button>
        </div>
        <input
          ref={filesInput}
          type="file"
          multiple
          hidden
          accept="video/*,.mkv,.mxf,.ts,.mts,.m2ts,.avi,.wmv,.flv,.vob,.dv,.y4m"
          data-testid="file-input"
          onChange={(e) => {
            void importFiles(filesFromInput(e.target.files, false));
            e.target.value = '';
          }}
        />
        <input
          ref={folderInput}
          type="file"
          hidden
          multiple
          {...({ webkitdirectory: '' } as Record<string, string>)}
          data-testid="folder-input"
          onChange={(e) => {
            void importFiles(filesFromInput(e.target.files, true));
            e.target.value = '';
          }}
        />
      </div>
      <form
        className="by-path"
        onSubmit={(e) => {
          e.preventDefault();
          submitPath();
        }}
      >
        <label htmlFor="by-path-input">{t('byPathLabel')}</label>
        <div className="row gap-s">
          <input
            id="by-path-input"
            className="input grow"
            value={byPath}
            placeholder={t('byPathPlaceholder')}
            onChange={(e) => setByPath(e.target.value)}
            data-testid="by-path-input"
            spellCheck={false}
            autoComplete="off"
          />
          <Button variant="primary" type="submit" data-testid="by-path-submit" disabled={!byPath.trim()}>
            {t('byPathSubmit')}
          </Button>
        </div>
        <p className="hint">{t('byPathHint')}</p>
      </form>
      {
        <label className="checkbox">
          <input
            type="checkbox"
            checked={copy === true}
            disabled={copy === null}
            onChange={(e) => setUi({ importCopy: e.target.checked })}
            data-testid="import-copy"
          />
          <span>
            <strong>{t('copyLabel')}</strong>
            <span className="hint">{client().mode === 'browser' ? t('copyHintBrowser') : t('copyHint')}</span>
          </span>
        </label>
      }
      {items.length > 0 && (
        <section className="import-results" aria-live="polite">
          <div className="section-head">
            <h3>{t('results')}</h3>
            <span className="muted" data-testid="import-summary">
              {t('summary', {
                imported: t('summaryImported', { count: items.filter((i) => i.phase === 'imported' || i.phase === 'relinked').length }),
                duplicate: t('summaryDuplicate', { count: items.filter((i) => i.phase === 'duplicate').length }),
                failed: t('summaryFailed', { count: items.filter((i) => i.phase === 'failed').length }),
              })}
            </span>
            <Button size="sm" variant="ghost" onClick={clearImportItems}>
              {t('clearResults')}
            </Button>
          </div>
          <ul data-testid="import-results">
            {items.map((it) => (
              <ResultRow key={it.key} item={it} />
            ))}
          </ul>
        </section>
      )}
    </Modal>
  );
}
