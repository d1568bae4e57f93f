import { useTranslation } from 'react-i18next';
import type { AnonymizeGate } from '../../../../core/api/types.js';
import { Button } from '../../components/ui.js';
import { client } from '../../state/client.js';
import { notify } from '../../state/store.js';
import { errorText } from '../../i18n/errors.js';

/** Why the clinical gate blocks the export, each reason with the one click that fixes it. */
export function GateNotice({
  gate,
  videoId,
  onLeave,
}: {
  gate: AnonymizeGate;
  videoId: number;
  onLeave: (target: 'patient' | 'timeline') => void;
}) {
  const { t } = useTranslation('anonymize');
  if (gate.ok) return null;
  const reasons = gate.reasons ?? [];
  return (
    <div className="anon-gate" role="alert" data-testid="anon-gate">
      <strong>{t('gateTitle')}</strong>
      <ul>
        {reasons.map((r) => (
          <li key={r.code} data-reason={r.code}>
            <span>
              {r.code === 'segments_unvalidated'
                ? t('gate.segments_unvalidated', { count: r.count, frames: r.frames })
                : t(`gate.${r.code}`)}
            </span>
            {r.code === 'patient_unknown' && (
              <Button
                size="sm"
                variant="primary"
                data-testid="gate-fix-read"
                onClick={() =>
                  void client()
                    .call('ocr.start', { video: videoId })
                    .catch((err) => notify(errorText(err)))
                }
              >
                {t('fixReadOverlay')}
              </Button>
            )}
            {r.code === 'patient_unverified' && (
              <Button size="sm" variant="primary" data-testid="gate-fix-patient" onClick={() => onLeave('patient')}>
                {t('fixVerifyPatient')}
              </Button>
            )}
            {r.code === 'segments_unvalidated' && (
              <Button size="sm" variant="primary" data-testid="gate-fix-review" onClick={() => onLeave('timeline')}>
                {t('fixReviewSegments')}
              </Button>
            )}
          </li>
        ))}
        {reasons.length === 0 && gate.missing.map((m) => <li key={m}>{m}</li>)}
      </ul>
    </div>
  );
}
