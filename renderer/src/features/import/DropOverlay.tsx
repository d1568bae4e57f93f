import { useEffect, useRef, useState } from 'react';
import { Icon } from '../../components/Icon.js';
import { client } from '../../state/client.js';
import { useTranslation } from 'react-i18next';
import './import.css';
import { filesFromDataTransfer, importFiles } from './importer.js';

function hasFiles(e: DragEvent): boolean {
  return !!e.dataTransfer && Array.from(e.dataTransfer.types).includes('Files');
}

/** Drop files or folders anywhere on the window; a clear overlay shows while dragging. */
export function DropOverlay() {
  const { t } = useTranslation('import');
  const [active, setActive] = useState(false);
  const depth = useRef(0);
  useEffect(() => {
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth.current++;
      setActive(true);
    };
    const over = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const leave = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) setActive(false);
    };
    const drop = (e: DragEvent) => {
      if (!e.dataTransfer) return;
      e.preventDefault();
      depth.current = 0;
      setActive(false);
      const dt = e.dataTransfer;
      // Desktop: folders are passed as paths (the core walks them); browser: walk them here and upload.
      void filesFromDataTransfer(dt, client().mode === 'browser').then(importFiles);
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, []);
  if (!active) return null;
  return (
    <div className="drop-overlay" data-testid="drop-overlay" aria-live="assertive">
      <div className="drop-card">
        <Icon name="upload" size={36} />
        <h2>{t('dropTitle')}</h2>
        <p>{t('dropBody')}</p>
      </div>
    </div>
  );
}
