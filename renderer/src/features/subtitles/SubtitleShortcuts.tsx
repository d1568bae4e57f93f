import { useTranslation } from 'react-i18next';
import './locales/types.js';

/** The subtitle lane's keys, shown as a section of the `?` overlay. */
export function SubtitleShortcuts() {
  const { t } = useTranslation('subtitles');
  const rows = t('shortcuts', { returnObjects: true }) as unknown as Array<[string, string]>;
  return (
    <>
      <h3 className="shortcut-section">{t('shortcutsTitle')}</h3>
      <table className="shortcut-table" data-testid="subtitle-shortcuts">
        <tbody>
          {rows.map(([keys, what]) => (
            <tr key={keys} data-testid="shortcut">
              <th scope="row">
                <kbd>{keys}</kbd>
              </th>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** One sentence for the anonymized-export dialog: subtitle tracks are left out. */
export function AnonymizedSubtitlesNote() {
  const { t } = useTranslation('subtitles');
  return (
    <p className="sub-anon-note" data-testid="anonymize-subtitles-note">
      {t('anonymizedNote')}
    </p>
  );
}
