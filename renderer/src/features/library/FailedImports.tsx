import { useState } from 'react';
import { Button } from '../../components/ui.js';
import { Icon } from '../../components/Icon.js';
import { fileName } from '../../lib/format.js';
import { retryJob, useApp } from '../../state/store.js';
import { strings } from '../../strings.js';

/** Imports that failed, each with its file and reason; kept by the core, so they survive a reload. */
export function FailedImports() {
  const failed = useApp((s) => s.failedImports);
  const [open, setOpen] = useState(true);
  if (!failed.length) return null;
  return (
    <section className="alert alert-danger" data-testid="failed-imports" aria-live="polite">
      <div className="alert-head">
        <Icon name="alert" size={16} />
        <strong>{strings.failedImports.title(failed.length)}</strong>
        <Button size="sm" variant="ghost" onClick={() => setOpen(!open)} aria-expanded={open}>
          {open ? strings.failedImports.hide : strings.failedImports.show}
        </Button>
      </div>
      {open && (
        <ul className="alert-list">
          {failed.slice(0, 50).map((f) => (
            <li key={f.jobId} data-testid="failed-import">
              <span className="alert-file" title={f.path}>
                {fileName(f.path)}
              </span>
              <span className="alert-reason">{f.error.message}</span>
              <Button size="sm" variant="ghost" icon="retry" onClick={() => void retryJob(f.jobId)}>
                {strings.failedImports.retry}
              </Button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
