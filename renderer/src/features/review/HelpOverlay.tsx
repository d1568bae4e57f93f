import { useTranslation } from 'react-i18next';
import { Modal } from '../../components/Modal.js';
import { SubtitleShortcuts } from '../subtitles/SubtitleShortcuts.js';

const shortcuts = [
  'space',
  'jkl',
  'arrows',
  'shiftArrows',
  'io',
  'n',
  'digits',
  'brackets',
  'tab',
  'enter',
  'delete',
  's',
  'm',
  'undo',
  'zoom',
  'wheel',
  'dragEdge',
  'dragBar',
  'dragEmpty',
  'shiftClick',
  'escape',
  'help',
] as const;

/** Every timeline and player shortcut (the `?` key). */
export function HelpOverlay({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation('review');
  return (
    <Modal title={t('helpTitle')} onClose={onClose} closeLabel={t('close')} testId="shortcut-help">
      <p className="muted">{t('rangeNote')}</p>
      <table className="shortcut-table">
        <tbody>
          {shortcuts.map((id) => (
            <tr key={id} data-testid="shortcut">
              <th scope="row">
                <kbd>{t(`shortcuts.${id}.keys`)}</kbd>
              </th>
              <td>{t(`shortcuts.${id}.action`)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <SubtitleShortcuts />
    </Modal>
  );
}
