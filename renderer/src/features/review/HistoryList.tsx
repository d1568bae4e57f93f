import { useTranslation } from 'react-i18next';
import { formatTimeOfDay } from '../../i18n/format.js';
import { useReview } from './reviewStore.js';

/** "tool 32–54 ✓": a segment by its first and last frame. */
const range = (s: { label: string; startFrame: number; endFrame: number; validated: boolean }) =>
  `${s.label} ${s.startFrame}–${s.endFrame - 1}${s.validated ? ' ✓' : ''}`;

/** The review history of this video, newest first (collapsed). */
export function HistoryList() {
  const { t } = useTranslation('review');
  const entries = useReview((s) => s.history);
  return (
    <details className="tl-history" data-testid="tl-history">
      <summary>
        {t('history')} ({entries.length})
      </summary>
      {entries.length === 0 ? (
        <p className="muted">{t('historyEmpty')}</p>
      ) : (
        <ol>
          {[...entries].reverse().map((e) => (
            <li key={e.id} data-testid="history-entry" data-op={e.op}>
              <span className="num muted">#{e.id}</span>{' '}
              {t('historyEntry', { op: t(`ops.${e.op}` as 'ops.add', { defaultValue: e.op }), who: e.who })} ·{' '}
              <span className="muted">{formatTimeOfDay(e.at)}</span>
              <span className="tl-history-change">
                {e.before.map(range).join(', ') || '—'} → {e.after.map(range).join(', ') || '—'}
              </span>
            </li>
          ))}
        </ol>
      )}
    </details>
  );
}
