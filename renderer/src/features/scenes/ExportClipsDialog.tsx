import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ExportedFile } from '../../../../core/api/types.js';
import { Button, ProgressBar } from '../../components/ui.js';
import { client } from '../../state/client.js';
import { errorMessage } from '../../transport/types.js';
import { loadExported, useClips } from './clipsStore.js';
import { watchJob } from './jobWatch.js';

const MODES = ['copy', 'accurate', 'smart'] as const;

function defaultFolder(videoPath: string): string {
  const i = Math.max(videoPath.lastIndexOf('/'), videoPath.lastIndexOf('\\'));
  const dir = i >= 0 ? videoPath.slice(0, i) : '.';
  const base = videoPath.slice(i + 1).replace(/\.[^.]*$/, '');
  return `${dir}/${base}-clips`;
}

/** "Export clips…": mode, folder, which clips; progress with ETA and cancel (which leaves nothing). */
export function ExportClipsDialog({ videoId, videoPath, onClose }: { videoId: number; videoPath: string; onClose: () => void }) {
  const { t } = useTranslation('scenes');
  const clips = useClips((s) => s.clips);
  const approved = clips.filter((c) => c.state === 'approved');
  const [mode, setMode] = useState<(typeof MODES)[number]>('copy');
  const [dir, setDir] = useState(defaultFolder(videoPath));
  const [which, setWhich] = useState<'approved' | 'all'>(approved.length ? 'approved' : 'all');
  const [jobId, setJobId] = useState<number | null>(null);
  const [progress, setProgress] = useState<{ p: number; eta: number | null }>({ p: 0, eta: null });
  const [files, setFiles] = useState<ExportedFile[] | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  const start = async () => {
    setMessage(null);
    setFiles(null);
    try {
      const ids = (which === 'approved' ? approved : clips).map((c) => c.id);
      const { jobId: id } = await client().call('clips.export', { video: videoId, dir, mode, ids });
      setJobId(id);
      setProgress({ p: 0, eta: null });
      const job = await watchJob(id, (p, eta) => setProgress({ p, eta }));
      setJobId(null);
      if (job.state === 'succeeded') {
        setFiles((job.output as { files: ExportedFile[] }).files);
        await loadExported(videoId).catch(() => undefined);
      } else setMessage(job.state === 'cancelled' ? t('cancelled') : (job.error?.message ?? job.state));
    } catch (err) {
      setJobId(null);
      setMessage(errorMessage(err));
    }
  };

  return (
    <div className="predict-popover scenes-dialog" role="dialog" aria-label={t('exportTitle')} data-testid="export-clips-dialog">
      <fieldset className="field">
        <legend>{t('mode')}</legend>
        {MODES.map((m) => (
          <label key={m} className="radio">
            <input type="radio" name="clip-export-mode" checked={mode === m} onChange={() => setMode(m)} data-testid={`export-mode-${m}`} />
            {t(`mode_${m}`)}
          </label>
        ))}
      </fieldset>
      <label className="field">
        <span>{t('folder')}</span>
        <input value={dir} onChange={(e) => setDir(e.target.value)} data-testid="export-folder" />
      </label>
      <label className="field">
        <span>{t('which')}</span>
        <select value={which} onChange={(e) => setWhich(e.target.value as 'approved' | 'all')} data-testid="export-which">
          <option value="approved">{t('which_approved', { count: approved.length })}</option>
          <option value="all">{t('which_all', { count: clips.length })}</option>
        </select>
      </label>
      {jobId !== null && (
        <>
          <ProgressBar value={progress.p} label={t('progress', { pct: Math.round(progress.p * 100) })} />
          <span className="muted" data-testid="export-eta">
            {t('progress', { pct: Math.round(progress.p * 100) })}{' '}
            {progress.eta !== null ? t('eta', { seconds: Math.ceil(progress.eta) }) : ''}
          </span>
        </>
      )}
      {files && (
        <div data-testid="export-done">
          <p>{t('done', { count: files.length })}</p>
          <ul>
            {files.map((f) => (
              <li key={f.path} data-testid="export-file">
                {f.path}
                {f.movedFrames ? ` — ${t('moved', { frames: f.movedFrames })}` : ''}
                {f.note ? ` — ${f.note}` : ''}
              </li>
            ))}
          </ul>
        </div>
      )}
      {message && (
        <p className="error" role="alert" data-testid="export-message">
          {message}
        </p>
      )}
      <div className="actions">
        {jobId === null ? (
          <Button
            variant="primary"
            size="sm"
            onClick={() => void start()}
            disabled={!(which === 'approved' ? approved : clips).length}
            data-testid="export-start"
          >
            {t('start')}
          </Button>
        ) : (
          <Button variant="danger" size="sm" onClick={() => void client().call('jobs.cancel', { id: jobId })} data-testid="export-cancel">
            {t('cancel')}
          </Button>
        )}
        <Button size="sm" variant="ghost" onClick={onClose} data-testid="export-close">
          {t('close')}
        </Button>
      </div>
    </div>
  );
}
