import { useTranslation } from 'react-i18next';
import type { PatientData } from '../../../../core/api/commands.js';
import type { Tone } from '../../components/ui.js';
import './locales/types.js';

const tones: Record<ConfidenceLevel, Tone> = { check: 'danger', likely: 'warning', sure: 'success' };

type ConfidenceLevel = NonNullable<PatientData['fields'][number]['level']>;

/**
 * An OCR field's confidence as one of three levels (check / likely / sure). The core decides the level
 * (thresholds from the reliability table of the generated corpus) and sends it with its thresholds; the
 * badge only shows it, with competing readings if any.
 */
export function ConfidenceBadge({
  confidence,
  level,
  thresholds,
  alternatives,
  testId,
}: {
  confidence: number;
  level: ConfidenceLevel;
  thresholds: PatientData['confidenceThresholds'];
  alternatives?: string[];
  testId?: string;
}) {
  const { t } = useTranslation('confidence');
  const pct = (v: number) => Math.round(v * 100);
  const meaning = t(`meaning.${level}`, { likely: pct(thresholds.likely), sure: pct(thresholds.sure) });
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
