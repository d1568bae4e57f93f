import { useTranslation } from 'react-i18next';
import { CONFIDENCE_THRESHOLDS, confidenceLevel, type ConfidenceLevel } from './levels.js';
import type { Tone } from '../../components/ui.js';
import './locales/types.js';

const tones: Record<ConfidenceLevel, Tone> = { check: 'danger', likely: 'warning', sure: 'success' };

/**
 * An OCR field's confidence as one of three levels (check / likely / sure), with thresholds from the
 * reliability table of the generated corpus (`core/ocr/confidence.ts`), and competing readings if any.
 */
export function ConfidenceBadge({ confidence, alternatives, testId }: { confidence: number; alternatives?: string[]; testId?: string }) {
  const { t } = useTranslation('confidence');
  const level = confidenceLevel(confidence);
  const pct = (v: number) => Math.round(v * 100);
  const meaning = t(`meaning.${level}`, { likely: pct(CONFIDENCE_THRESHOLDS.likely), sure: pct(CONFIDENCE_THRESHOLDS.sure) });
  return (
    <>
      {/* The shared badge look, with the level as data for tests and styles. */}
      <span
        className={`badge badge-${tones[level]}`}
        title={t('title', { percent: pct(confidence), meaning })}
        data-testid={testId}
        data-level={level}
      >
        {t(`levels.${level}`)} · {pct(confidence)} %
      </span>
      {alternatives?.length ? (
        <span className="confidence-alternatives" data-testid={testId ? `${testId}-alternatives` : undefined}>
          {t('alternatives', { values: alternatives.map((a) => `“${a}”`).join(', ') })}
        </span>
      ) : null}
    </>
  );
}
