import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Modal } from '../../components/Modal.js';
import { Button } from '../../components/ui.js';
import { navigate } from '../../lib/route.js';
import { notify, removeVideos } from '../../state/store.js';
import type { VideoPanelProps } from '../video/panel-types.js';

/** "Remove from library…": a confirmation with the choice to delete the library's own copy too. */
export function RemoveVideoAction({ video }: VideoPanelProps) {
  const { t } = useTranslation('library');
  const { t: tc } = useTranslation();
  const [open, setOpen] = useState(false);
  const [deleteCopies, setDeleteCopies] = useState(false);
  const [busy, setBusy] = useState(false);
  return (
    <>
      <Button size="sm" variant="ghost" onClick={() => setOpen(true)} data-testid="action-remove">
        {t('remove.action')}
      </Button>
      {open && (
        <Modal
          title={t('remove.title', { count: 1 })}
          onClose={() => setOpen(false)}
          closeLabel={t('remove.confirm')}
          testId="remove-dialog"
        >
          <p>
            <strong data-allow-clip>{video.name}</strong>
          </p>
          <p className="muted">{t('remove.body')}</p>
          {video.copied && (
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
            <Button
              variant="danger"
              disabled={busy}
              data-testid="remove-confirm"
              onClick={() => {
                setBusy(true);
                void removeVideos([video.id], deleteCopies).then((ok) => {
                  setBusy(false);
                  if (!ok) return;
                  setOpen(false);
                  notify(t('remove.done', { count: 1 }), 'info');
                  navigate({ name: 'library' });
                });
              }}
            >
              {t('remove.confirm')}
            </Button>
            <Button onClick={() => setOpen(false)}>{tc('actions.cancel')}</Button>
          </div>
        </Modal>
      )}
    </>
  );
}
