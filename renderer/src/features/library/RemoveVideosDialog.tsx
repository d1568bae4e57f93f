import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Modal } from '../../components/Modal.js';
import { Button } from '../../components/ui.js';
import { notify, removeVideos } from '../../state/store.js';

const NAMES_LISTED = 8;

export interface RemovableVideo {
  id: number;
  name: string;
  copied: boolean;
}

/**
 * The confirmation of "Remove from library…" for one video (video view) or a selection (library): the names, and
 * where the library holds its own copies the choice to delete them too. `onRemoved` runs after the core removed them.
 */
export function RemoveVideosDialog({
  videos,
  onClose,
  onRemoved,
}: {
  videos: RemovableVideo[];
  onClose: () => void;
  onRemoved: (ids: number[]) => void;
}) {
  const { t } = useTranslation('library');
  const { t: tc } = useTranslation();
  const [deleteCopies, setDeleteCopies] = useState(false);
  const [busy, setBusy] = useState(false);
  const anyCopied = videos.some((v) => v.copied);
  const confirm = () => {
    setBusy(true);
    const ids = videos.map((v) => v.id);
    void removeVideos(ids, deleteCopies && anyCopied).then((ok) => {
      setBusy(false);
      if (!ok) return;
      notify(t('remove.done', { count: ids.length }), 'info');
      onRemoved(ids);
    });
  };
  return (
    <Modal title={t('remove.title', { count: videos.length })} onClose={onClose} closeLabel={tc('actions.cancel')} testId="remove-dialog">
      <ul className="selection-names" data-testid="remove-names">
        {videos.slice(0, NAMES_LISTED).map((v) => (
          <li key={v.id} data-allow-clip>
            <strong>{v.name}</strong>
          </li>
        ))}
        {videos.length > NAMES_LISTED && <li className="muted">{t('selection.more', { count: videos.length - NAMES_LISTED })}</li>}
      </ul>
      <p className="muted">{videos.length === 1 ? t('remove.body') : t('remove.bodyMany', { count: videos.length })}</p>
      {anyCopied && (
        <label className="checkbox">
          <input type="checkbox" checked={deleteCopies} onChange={(e) => setDeleteCopies(e.target.checked)} data-testid="remove-copies" />
          <span>{t('remove.deleteCopies')}</span>
        </label>
      )}
      <div className="row gap-s">
        <Button variant="danger" disabled={busy} data-testid="remove-confirm" onClick={confirm}>
          {t('remove.confirm')}
        </Button>
        <Button onClick={onClose}>{tc('actions.cancel')}</Button>
      </div>
    </Modal>
  );
}
