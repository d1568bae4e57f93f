import { Modal } from '../../components/Modal.js';
import { strings } from '../../strings.js';
import { SubtitleShortcuts } from '../subtitles/SubtitleShortcuts.js';

/** Every timeline and player shortcut (the `?` key). */
export function HelpOverlay({ onClose }: { onClose: () => void }) {
  const R = strings.review;
  return (
    <Modal title={R.helpTitle} onClose={onClose} closeLabel={R.close} testId="shortcut-help">
      <table className="shortcut-table">
        <tbody>
          {R.shortcuts.map(([keys, what]) => (
            <tr key={keys} data-testid="shortcut">
              <th scope="row">
                <kbd>{keys}</kbd>
              </th>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <SubtitleShortcuts />
    </Modal>
  );
}
