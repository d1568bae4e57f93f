import { useState } from 'react';
import { Button } from '../../components/ui.js';
import { Icon } from '../../components/Icon.js';
import { fileName } from '../../lib/format.js';
import { dismissFailedImports, retryJob, useApp } from '../../state/store.js';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../i18n/errors.js';

/** Imports that failed, each with its file and reason; kept by the core, so they survive a reload. */
export function FailedImports() {
  const { t } = useTranslation('library');
  const failed = useApp((s) => s.failedImports);
  const [open, setOpen] = useState(true);
  if (!failed.length) return null;
  return (
    <section className="alert alert-danger" data-testid="failed-imports" aria-live="polite">
      <div className="alert-head">
        <Icon name="alert" size={16} />
        <strong>{t('failedImports.title', { count: failed.length })}</strong>
        <Button
          size="sm"
          variant="ghost"
          onClick={() => void dismissFailedImports(failed.map((f) => f.jobId))}
          data-testid="failed-dismiss-all"
        >
          {t('failedImports.dismissAll')}
        </Button>
        <Button size="sm" variant="ghost" onClick={() => setOpen(!open)} aria-expanded={open}>
          {open ? t('failedImports.hide') : t('failedImports.show')}
        </Button>
      </div>
      {open && (
        <ul className="alert-list">
          {failed.slice(0, 50).map((f) => (
            <li key={f.jobId} data-testid="failed-import">
              <span className="alert-file" title={f.path} data-allow-clip>
                {fileName(f.path)}
              </span>
              <span className="alert-reason">{errorText(f.error, fileName(f.path))}</span>
              <Button size="sm" variant="ghost" icon="retry" onClick={() => void retryJob(f.jobId)}>
                {t('failedImports.retry')}
              </Button>
              <Button size="sm" variant="ghost" onClick={() => void dismissFailedImports([f.jobId])} data-testid="failed-dismiss">
                {t('failedImports.dismiss')}
              </Button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
