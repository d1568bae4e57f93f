import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { VideoSummary } from '../../../../core/api/types.js';
import { Modal } from '../../components/Modal.js';
import { Button } from '../../components/ui.js';
import { notify, removeVideos } from '../../state/store.js';
import { clearSelection, selectAll, unselect } from './selection.js';

const NAMES_LISTED = 8;

/** "Remove from library…" for the selected videos: one confirmation, optionally deleting the library's copies. */
function RemoveSelected({ videos }: { videos: VideoSummary[] }) {
  const { t } = useTranslation('library');
  const { t: tc } = useTranslation();
  const [open, setOpen] = useState(false);
  const [deleteCopies, setDeleteCopies] = useState(false);
  const [busy, setBusy] = useState(false);
  const anyCopied = videos.some((v) => v.copied);
  const confirm = () => {
    setBusy(true);
    const ids = videos.map((v) => v.id);
    void removeVideos(ids, deleteCopies && anyCopied).then((ok) => {
      setBusy(false);
      if (!ok) return;
      unselect(ids);
      setOpen(false);
      notify(t('remove.done', { count: ids.length }), 'info');
    });
  };
  return (
    <>
      <Button size="sm" variant="danger" onClick={() => setOpen(true)} data-testid="selection-remove">
        {t('remove.action')}
      </Button>
      {open && (
        <Modal
          title={t('remove.title', { count: videos.length })}
          onClose={() => setOpen(false)}
          closeLabel={tc('actions.cancel')}
          testId="remove-dialog"
        >
          <ul className="selection-names" data-testid="remove-names">
            {videos.slice(0, NAMES_LISTED).map((v) => (
              <li key={v.id} data-allow-clip>
                {v.name}
              </li>
            ))}
            {videos.length > NAMES_LISTED && <li className="muted">{t('selection.more', { count: videos.length - NAMES_LISTED })}</li>}
          </ul>
          <p className="muted">{t('remove.bodyMany', { count: videos.length })}</p>
          {anyCopied && (
            <label className="checkbox">
              <input
                type="checkbox"
                checked={deleteCopies}
                onChange={(e) => setDeleteCopies(e.target.checked)}
                data-testid="remove-copies"
              />
              <span>{t('remove.deleteCopies')}</span>
            </label>
          )}
          <div className="row gap-s">
            <Button variant="danger" disabled={busy} data-testid="remove-confirm" onClick={confirm}>
              {t('remove.confirm')}
            </Button>
            <Button onClick={() => setOpen(false)}>{tc('actions.cancel')}</Button>
          </div>
        </Modal>
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
