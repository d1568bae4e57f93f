import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import type { VideoSummary } from '../../../../core/api/types.js';
import { Button, ProgressBar } from '../../components/ui.js';
import { client } from '../../state/client.js';
import { cancelJob, useApp } from '../../state/store.js';
import { errorText } from '../../i18n/errors.js';
import { errorMessage } from '../../transport/types.js';
import { detectScenesBatch } from '../scenes/batch.js';
import { MediaDialog } from './MediaDialog.js';
import './locales/types.js';

interface Started {
  jobs: Array<{ input: string; jobId: number }>;
  /** Finished without a job (answered from the store). */
  done?: string[];
  errors: Array<{ input: string; error: { message: string } }>;
  /** Inputs whose job succeeded but whose follow-up (clips from scenes) has not finished: null = done, text = why not. */
  followUps?: Map<string, string | null>;
  needsFollowUp?: boolean;
  token?: object;
}

/** One progress view and one summary (done / failed with reasons) for the jobs of a batch. */
function BatchStatus({ started, names }: { started: Started; names: Map<string, string> }) {
  const { t } = useTranslation('media');
  const jobs = useApp(useShallow((s) => started.jobs.map((j) => s.jobs.get(j.jobId))));
  const followedUp = (i: number) => !started.needsFollowUp || started.followUps?.has(started.jobs[i]!.input);
  const running = jobs.filter(
    (j, i) => !j || j.state === 'queued' || j.state === 'running' || (j.state === 'succeeded' && !followedUp(i)),
  ).length;
  const followUpError = (i: number) => started.followUps?.get(started.jobs[i]!.input) ?? null;
  const done = jobs.filter((j, i) => j?.state === 'succeeded' && followedUp(i) && !followUpError(i)).length + (started.done?.length ?? 0);
  const failures = [
    ...started.errors.map((e) => ({ input: e.input, reason: e.error.message })),
    ...started.jobs.flatMap((j, i) => {
      const job = jobs[i];
      if (job?.state === 'succeeded' && followUpError(i)) return [{ input: j.input, reason: followUpError(i)! }];
      return job && (job.state === 'failed' || job.state === 'cancelled')
        ? [{ input: j.input, reason: job.error ? errorText(job.error, names.get(j.input)) : t('cancelled') }]
        : [];
    }),
  ];
  const total = jobs.length + (started.done?.length ?? 0);
  const progress = total
    ? (jobs.reduce((a, j) => a + (j?.state === 'succeeded' ? 1 : (j?.progress ?? 0)), 0) + (started.done?.length ?? 0)) / total
    : 1;
  return (
    <div className="media-job" data-testid="batch-status" data-running={running}>
      {running > 0 && <ProgressBar value={progress} label={t('batch.title')} />}
      <p data-testid="batch-summary">{t('batch.summary', { done, failed: failures.length, running })}</p>
      {failures.length > 0 && (
        <ul data-testid="batch-failures">
          {failures.map((f) => (
            <li key={f.input}>
              {names.get(f.input) ?? f.input}: {f.reason}
            </li>
          ))}
        </ul>
      )}
      {running > 0 && (
        <Button size="sm" variant="ghost" onClick={() => started.jobs.forEach((j) => void cancelJob(j.jobId))} data-testid="batch-cancel">
          {t('batch.cancelAll')}
        </Button>
      )}
    </div>
  );
}

/**
 * "Batch…" in the library: convert, save frames, detect silence or detect scenes for the selected videos
 * (or every video shown when none is selected), as queued jobs with one progress view and one summary.
 */
export function BatchAction({ videos, scope }: { videos: VideoSummary[]; scope: 'selected' | 'shown' }) {
  const { t } = useTranslation('media');
  const [open, setOpen] = useState(false);
  const [op, setOp] = useState<'convert' | 'frames' | 'silence' | 'scenes'>('convert');
  const [presets, setPresets] = useState<Array<{ name: string; available: boolean }>>([]);
  const [preset, setPreset] = useState('mp4-h264');
  const [count, setCount] = useState('6');
  const [folder, setFolder] = useState('');
  const [started, setStarted] = useState<Started | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!open) return;
    void client()
      .call('convert.presets', {})
      .then((list) => setPresets(list))
      .catch(() => undefined);
  }, [open]);
  const names = new Map(videos.map((v) => [String(v.id), v.name]));

  const start = async () => {
    setError(null);
    setStarted(null);
    const ids = videos.map((v) => v.id);
    try {
      if (op === 'convert') setStarted(await client().call('convert.start', { inputs: ids, preset, output: folder }));
      else if (op === 'frames')
        setStarted(
          await client().call('frames.start', { inputs: ids, select: { count: Math.max(1, Number(count) || 6) }, outDir: folder }),
        );
      else if (op === 'scenes') {
        const followUps = new Map<string, string | null>();
        const token = {};
        const res: Started = {
          ...(await detectScenesBatch(ids, (input, err) => {
            followUps.set(input, err);
            setStarted((s) => (s && s.token === token ? { ...s, followUps: new Map(followUps) } : s));
          })),
          needsFollowUp: true,
          followUps,
          token,
        };
        setStarted(res);
      } else {
        const res: Started = { jobs: [], errors: [] };
        for (const id of ids) {
          try {
            res.jobs.push({ input: String(id), jobId: (await client().call('audio.detect', { videoId: id })).job.id });
          } catch (err) {
            res.errors.push({ input: String(id), error: { message: errorMessage(err) } });
          }
        }
        setStarted(res);
      }
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <MediaDialog
      id="batch"
      label={scope === 'selected' ? t('batch.actionSelected', { count: videos.length }) : t('batch.action', { count: videos.length })}
      buttonDisabled={!videos.length}
      title={scope === 'selected' ? t('batch.titleSelected') : t('batch.title')}
      open={open}
      setOpen={setOpen}
      error={error}
      status={started && <BatchStatus started={started} names={names} />}
      onStart={() => void start()}
      startDisabled={(op === 'convert' || op === 'frames') && !folder}
    >
      <label className="field">
        <span>{t('batch.operation')}</span>
        <select value={op} onChange={(e) => setOp(e.target.value as typeof op)} data-testid="batch-op">
          <option value="convert">{t('batch.convert')}</option>
          <option value="frames">{t('batch.frames')}</option>
          <option value="silence">{t('batch.silence')}</option>
          <option value="scenes">{t('batch.scenes')}</option>
        </select>
      </label>
      {op === 'convert' && (
        <label className="field">
          <span>{t('convert.preset')}</span>
          <select value={preset} onChange={(e) => setPreset(e.target.value)} data-testid="batch-preset">
            {presets.map((p) => (
              <option key={p.name} value={p.name}>
                {p.available ? p.name : t('convert.unavailable', { name: p.name })}
              </option>
            ))}
          </select>
        </label>
      )}
      {op === 'frames' && (
        <label className="field">
          <span>{t('batch.count')}</span>
          <input inputMode="numeric" value={count} onChange={(e) => setCount(e.target.value)} data-testid="batch-count" />
        </label>
      )}
      {(op === 'convert' || op === 'frames') && (
        <label className="field">
          <span>{t('batch.folder')}</span>
          <input value={folder} onChange={(e) => setFolder(e.target.value)} data-testid="batch-folder" />
        </label>
      )}
    </MediaDialog>
  );
}
