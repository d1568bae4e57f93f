import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button, ProgressBar } from '../../components/ui.js';
import { client } from '../../state/client.js';
import { errorMessage } from '../../transport/types.js';
import { ScoreCurve } from './ScoreCurve.js';
import { watchJob } from './jobWatch.js';
import { loadClips } from './clipsStore.js';

const DETECTORS = ['adaptive', 'content', 'threshold', 'hash', 'histogram'] as const;
const DEFAULTS: Record<(typeof DETECTORS)[number], number> = { adaptive: 3, content: 27, threshold: 12, hash: 0.395, histogram: 0.05 };

interface Result {
  id: number;
  scenes: number;
  curve: { scores: Array<number | null>; threshold: number };
}

/** "Detect scenes…": detector and threshold, progress, then the score curve and "Use as clips". */
export function DetectDialog({ videoId, onClose }: { videoId: number; onClose: () => void }) {
  const { t } = useTranslation('scenes');
  const [detector, setDetector] = useState<(typeof DETECTORS)[number]>('adaptive');
  const [threshold, setThreshold] = useState('');
  const [progress, setProgress] = useState<number | null>(null);
  const [result, setResult] = useState<Result | null>(null);
  const [error, setError] = useState<string | null>(null);

  const params = () => ({ detector, ...(threshold.trim() ? { threshold: Number(threshold) } : {}) });
  const run = async () => {
    setError(null);
    setResult(null);
    try {
      const first = await client().call('scenes.detect', { video: videoId, ...params() });
      if (first.jobId !== null) {
        setProgress(0);
        const job = await watchJob(first.jobId, (p) => setProgress(p));
        setProgress(null);
        if (job.state !== 'succeeded') throw new Error(job.error?.message ?? job.state);
      }
      const r = await client().call('scenes.get', { video: videoId, ...params() });
      if (!r) throw new Error('no result');
      const curve = await client().call('scenes.scores', { detectionId: r.id, points: 600 });
      setResult({ id: r.id, scenes: r.scenes.length, curve });
    } catch (err) {
      setProgress(null);
      setError(errorMessage(err));
    }
  };
  const use = async () => {
    if (!result) return;
    try {
      await client().call('clips.fromScenes', { video: videoId, detectionId: result.id });
      await loadClips(videoId);
      onClose();
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <div
      className="predict-popover scenes-dialog"
      role="dialog"
      aria-label={t('detectTitle')}
      data-testid="detect-dialog"
      onKeyDown={(e) => e.key === 'Escape' && onClose()}
    >
      <label className="field">
        <span>{t('detector')}</span>
        <select value={detector} onChange={(e) => setDetector(e.target.value as typeof detector)} data-testid="detect-detector">
          {DETECTORS.map((d) => (
            <option key={d} value={d}>
              {d}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t('threshold')}</span>
        <input
          type="number"
          step="any"
          value={threshold}
          placeholder={t('thresholdDefault', { value: DEFAULTS[detector] })}
          onChange={(e) => setThreshold(e.target.value)}
          data-testid="detect-threshold"
        />
      </label>
      {progress !== null && <ProgressBar value={progress} label={t('running', { pct: Math.round(progress * 100) })} />}
      {result && (
        <>
          <p data-testid="detect-found">{t('found', { count: result.scenes })}</p>
          <ScoreCurve scores={result.curve.scores} threshold={result.curve.threshold} label={t('curve')} />
        </>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="actions">
        <Button variant="primary" size="sm" onClick={() => void run()} disabled={progress !== null} data-testid="detect-run">
          {t('run')}
        </Button>
        {result && (
          <Button size="sm" onClick={() => void use()} data-testid="detect-use">
            {t('useScenes')}
          </Button>
        )}
        <Button size="sm" variant="ghost" onClick={onClose}>
          {t('close')}
        </Button>
      </div>
    </div>
  );
}
