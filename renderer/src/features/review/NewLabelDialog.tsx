import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Modal } from '../../components/Modal.js';
import { Button } from '../../components/ui.js';

/** The in-app "New label" dialog (Electron has no window.prompt). */
export function NewLabelDialog({
  existing,
  onCreate,
  onClose,
}: {
  existing: string[];
  onCreate: (name: string) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation('review');
  const [name, setName] = useState('');
  const [tried, setTried] = useState(false);
  const trimmed = name.trim();
  const problem = !trimmed ? t('newLabelEmpty') : existing.includes(trimmed) ? t('newLabelExists', { name: trimmed }) : null;
  return (
    <Modal title={t('newLabelTitle')} onClose={onClose} closeLabel={t('close')} testId="new-label-dialog">
      <form
        className="new-label-form"
        onSubmit={(e) => {
          e.preventDefault();
          setTried(true);
          if (problem) return;
          onCreate(trimmed);
        }}
      >
        <label htmlFor="new-label-name">{t('newLabelName')}</label>
        <input
          id="new-label-name"
          className="input"
          value={name}
          maxLength={100}
          autoComplete="off"
          data-autofocus
          aria-invalid={tried && !!problem}
          aria-describedby="new-label-problem"
          onChange={(e) => setName(e.target.value)}
          data-testid="new-label-name"
        />
        <p id="new-label-problem" className="error-text" role={tried && problem ? 'alert' : undefined}>
          {tried ? problem : ''}
        </p>
        <div className="row gap-s">
          <Button variant="primary" type="submit" data-testid="new-label-create">
            {t('newLabelCreate')}
          </Button>
          <Button onClick={onClose}>{t('close')}</Button>
        </div>
      </form>
    </Modal>
  );
}
