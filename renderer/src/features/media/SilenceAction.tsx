import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../components/ui.js';
import { client } from '../../state/client.js';
import { useApp } from '../../state/store.js';
import { errorMessage } from '../../transport/types.js';
import type { VideoPanelProps } from '../video/panel-types.js';
import { MediaDialog } from './MediaDialog.js';
import { JobStatus, besideOriginal } from './JobStatus.js';
import './locales/types.js';

interface DetectResult {
  duration: number;
  keptDuration: number;
  keep: unknown[];
}

/**
 * "Silence…": detect silence (loudness) or speech; the result lands as segments in the silence/speech lane of
 * the timeline (edit them there), then apply: cut the silent parts or speed them up, into a new file.
 */
export function SilenceAction({ video }: VideoPanelProps) {
  const { t } = useTranslation('media');
  const [open, setOpen] = useState(false);
  const [method, setMethod] = useState<'loudness' | 'speech'>('loudness');
  const [threshold, setThreshold] = useState('');
  const [margin, setMargin] = useState('0.2');
  const [detectJob, setDetectJob] = useState<number | null>(null);
  const [mode, setMode] = useState<'cut' | 'speed'>('cut');
  const [speed, setSpeed] = useState('4');
  const [output, setOutput] = useState(() => besideOriginal(video.path, '-edited', '.mp4'));
  const [applyJob, setApplyJob] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const detected = useApp((s) => (detectJob === null ? undefined : s.jobs.get(detectJob)));
  const result = detected?.state === 'succeeded' ? (detected.output as DetectResult) : null;
  const lane = method === 'speech' ? 'speech' : 'silence';

  const detect = async () => {
    setError(null);
    setApplyJob(null);
    try {
      const th = Number(threshold);
      const { job } = await client().call('audio.detect', {
        videoId: video.id,
        method,
        margin: Number(margin) || 0,
        ...(threshold && th > 0 && th <= 1 ? { threshold: th } : {}),
      });
      setDetectJob(job.id);
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const apply = async () => {
    setError(null);
    try {
      const { job } = await client().call('audio.apply', {
        videoId: video.id,
        lane,
        mode,
        ...(mode === 'speed' ? { speed: Number(speed) || 4 } : {}),
        output,
      });
      setApplyJob(job.id);
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <MediaDialog
      id="silence"
      label={t('silence.action')}
      title={t('silence.title')}
      open={open}
      setOpen={setOpen}
      error={error}
      status={applyJob !== null && <JobStatus jobId={applyJob} doneText={(o) => t('done', { file: (o as { output: string }).output })} />}
    >
      <label className="field">
        <span>{t('silence.method')}</span>
        <select value={method} onChange={(e) => setMethod(e.target.value as typeof method)} data-testid="silence-method">
          <option value="loudness">{t('silence.loudness')}</option>
          <option value="speech">{t('silence.speech')}</option>
        </select>
      </label>
      <label className="field">
        <span>{t('silence.threshold')}</span>
        <input
          inputMode="decimal"
          placeholder={method === 'speech' ? '0.5' : '0.04'}
          value={threshold}
          onChange={(e) => setThreshold(e.target.value)}
          data-testid="silence-threshold"
        />
      </label>
      <label className="field">
        <span>{t('silence.margin')}</span>
        <input inputMode="decimal" value={margin} onChange={(e) => setMargin(e.target.value)} data-testid="silence-margin" />
      </label>
      <Button size="sm" onClick={() => void detect()} data-testid="silence-detect">
        {t('silence.detect')}
      </Button>
      {detectJob !== null && (
        <JobStatus
          jobId={detectJob}
          doneText={(o) => {
            const r = o as DetectResult;
            return t('silence.result', { kept: r.keptDuration.toFixed(2), total: r.duration.toFixed(2), parts: r.keep.length, lane });
          }}
        />
      )}
      {result && (
        <>
          <label className="field">
            <span>{t('silence.mode')}</span>
            <select value={mode} onChange={(e) => setMode(e.target.value as typeof mode)} data-testid="silence-mode">
              <option value="cut">{t('silence.cut')}</option>
              <option value="speed">{t('silence.speed')}</option>
            </select>
          </label>
          {mode === 'speed' && (
            <label className="field">
              <span>{t('silence.speedFactor')}</span>
              <input inputMode="decimal" value={speed} onChange={(e) => setSpeed(e.target.value)} data-testid="silence-speed" />
            </label>
          )}
          <label className="field">
            <span>{t('output')}</span>
            <input value={output} onChange={(e) => setOutput(e.target.value)} data-testid="silence-output" />
          </label>
          <Button variant="primary" size="sm" onClick={() => void apply()} data-testid="silence-apply">
            {t('silence.apply')}
          </Button>
        </>
      )}
    </MediaDialog>
  );
}
