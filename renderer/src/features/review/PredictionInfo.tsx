import { useTranslation } from 'react-i18next';
import { ProgressBar } from '../../components/ui.js';
import { formatPercent } from '../../lib/format.js';
import { useApp } from '../../state/store.js';
import { formatSeconds } from '../jobs/labels.js';
import { showScoresOf, useReview } from './reviewStore.js';

/** Over the lanes: a running prediction's progress, the model tabs and which run the score curves show. */
export function PredictionInfo({ videoId }: { videoId: number }) {
  const { t } = useTranslation('predict');
  const runs = useReview((s) => s.runs);
  const scores = useReview((s) => s.scores);
  const hasLanes = useReview((s) => s.lanes.length > 0);
  const predicting = useApp((s) =>
    [...s.jobs.values()].find((j) => j.kind === 'predict' && j.videoId === videoId && (j.state === 'running' || j.state === 'queued')),
  );
  return (
    <>
      {predicting && (
        <div className="predict-progress" data-testid="predict-progress">
          <ProgressBar value={predicting.progress} label={t('running')} indeterminate={predicting.state === 'queued'} />
          <span className="hint">
            {predicting.etaSeconds !== null
              ? t('runningTextEta', { percent: formatPercent(predicting.progress), eta: formatSeconds(predicting.etaSeconds) })
              : t('runningText', { percent: formatPercent(predicting.progress) })}
          </span>
        </div>
      )}
      {runs.length > 1 && (
        <div className="segmented" role="tablist" aria-label={t('modelTabs')}>
          {runs.map((r) => (
            <button
              key={r.model}
              type="button"
              role="tab"
              aria-selected={r.model === scores?.model}
              className="tab"
              onClick={() => showScoresOf(r.model)}
            >
              {r.model}
            </button>
          ))}
        </div>
      )}
      {scores && (
        <p className="hint">
          {t('runInfo', {
            model: scores.model,
            version: scores.modelVersion,
            count: scores.samples,
            rate: scores.sampleFps === null ? t('fpsAll') : t('fpsPerSecond', { fps: scores.sampleFps }),
          })}
        </p>
      )}
      {!runs.length && !predicting && !hasLanes && <p className="muted">{t('none')}</p>}
    </>
  );
}
