import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { VideoSummary } from '../../../../core/api/types.js';
import { Button } from '../../components/ui.js';
import { RemoveVideosDialog } from './RemoveVideosDialog.js';
import { clearSelection, selectAll, unselect } from './selection.js';

/** "Remove from library…" for the selected videos: one confirmation, optionally deleting the library's copies. */
function RemoveSelected({ videos }: { videos: VideoSummary[] }) {
  const { t } = useTranslation('library');
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button size="sm" variant="danger" onClick={() => setOpen(true)} data-testid="selection-remove">
        {t('remove.action')}
      </Button>
      {open && (
        <RemoveVideosDialog
          videos={videos}
          onClose={() => setOpen(false)}
          onRemoved={(ids) => {
            unselect(ids);
            setOpen(false);
          }}
        />
      )}
    </>
  );
}

/** Shown while videos are selected: how many, select all shown, clear, remove. (Batch jobs are in "Batch…".) */
export function SelectionBar({ selected, shown }: { selected: VideoSummary[]; shown: VideoSummary[] }) {
  const { t } = useTranslation('library');
  if (!selected.length) return null;
  return (
    <div className="selection-bar" role="region" aria-label={t('selection.region')} data-testid="selection-bar">
      <strong data-testid="selection-count">{t('selection.count', { count: selected.length })}</strong>
      {selected.length < shown.length && (
        <Button size="sm" variant="ghost" onClick={() => selectAll(shown.map((v) => v.id))} data-testid="selection-all">
          {t('selection.all', { count: shown.length })}
        </Button>
      )}
      <Button size="sm" variant="ghost" onClick={clearSelection} data-testid="selection-clear">
        {t('selection.clear')}
      </Button>
      <span className="grow" />
      <RemoveSelected videos={selected} />
    </div>
  );
}
