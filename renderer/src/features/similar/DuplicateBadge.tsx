import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Badge } from '../../components/ui.js';
import { useDuplicates, watchDuplicates } from './duplicatesStore.js';
import './locales/types.js';

/** "Possible duplicate" in the library, on a video flagged as looking like an older one. */
export function DuplicateBadge({ videoId }: { videoId: number }) {
  useEffect(() => watchDuplicates(), []);
  const pair = useDuplicates((s) => s.pairs.find((p) => p.videoId === videoId));
  // Rendered on every library card: the translated badge only where there is a pair.
  return pair ? <PairBadge pair={pair} /> : null;
}

function PairBadge({ pair }: { pair: { otherId: number; score: number } }) {
  const { t } = useTranslation('similar');
  return (
    <span data-testid="duplicate-badge" data-other={pair.otherId}>
      <Badge tone="warning" title={t('duplicates.looksLike', { id: pair.otherId, score: Math.round(pair.score * 100) })}>
        {t('duplicates.badge')}
      </Badge>
    </span>
  );
}
