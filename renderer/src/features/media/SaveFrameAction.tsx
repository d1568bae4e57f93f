import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { client } from '../../state/client.js';
import { usePlayer } from '../video/player.js';
import type { VideoPanelProps } from '../video/panel-types.js';
import { MediaDialog } from './MediaDialog.js';
import { JobStatus, folderOf, useOneJobStart } from './JobStatus.js';
import './locales/types.js';

/** "Save frame…": the frame on screen (exact, by frame number) or one every N seconds, into a folder. */
export function SaveFrameAction({ video }: VideoPanelProps) {
  const { t } = useTranslation('media');
  const frame = usePlayer((s) => s.frame);
  const currentTime = usePlayer((s) => s.currentTime);
  // On a variable-frame-rate video the player's frame number is a tick of the average rate, not the n-th
  // decoded frame: the frame on screen is the one shown at the player's time.
  const vfr = video.variableFrameRate;
  // The frame's own start time (the player sits in the middle of a frame).
  const time = usePlayer((s) => (s.fps && !vfr ? (s.frame * s.fps.den) / s.fps.num : s.currentTime));
  const [open, setOpen] = useState(false);
  const [mode, setMode] = useState<'current' | 'every'>('current');
  const [every, setEvery] = useState('5');
  const [format, setFormat] = useState<'png' | 'jpg'>('png');
  const [sheet, setSheet] = useState(false);
  const [folder, setFolder] = useState(() => folderOf(video.path));
  const { jobId, error, start: startJob } = useOneJobStart();

  const start = () => {
    const current = vfr ? { at: [currentTime] } : { frames: [frame] };
    const select = mode === 'current' ? current : { every: Math.max(0.04, Number(every) || 5) };
    return startJob(() =>
      client().call('frames.start', { inputs: [video.id], select, outDir: folder, format, ...(sheet ? { contactSheet: true } : {}) }),
    );
  };

  return (
    <MediaDialog
      id="frames"
      buttonTestId="action-save-frame"
      label={t('frames.action')}
      title={t('frames.title')}
      open={open}
      setOpen={setOpen}
      error={error}
      status={
        jobId !== null && (
          <JobStatus jobId={jobId} doneText={(o) => t('frames.saved', { count: (o as { files: unknown[] }).files.length })} />
        )
      }
      onStart={() => void start()}
    >
      <label className="field">
        <span>{t('frames.mode')}</span>
        <select value={mode} onChange={(e) => setMode(e.target.value as typeof mode)} data-testid="frames-mode">
          <option value="current">{t('frames.current', { frame, time: time.toFixed(3) })}</option>
          <option value="every">{t('frames.every')}</option>
        </select>
      </label>
      {mode === 'every' && (
        <label className="field">
          <span>{t('frames.interval')}</span>
          <input inputMode="decimal" value={every} onChange={(e) => setEvery(e.target.value)} data-testid="frames-every" />
        </label>
      )}
      <label className="field">
        <span>{t('frames.format')}</span>
        <select value={format} onChange={(e) => setFormat(e.target.value as typeof format)} data-testid="frames-format">
          <option value="png">PNG</option>
          <option value="jpg">JPEG</option>
        </select>
      </label>
      <label className="field row gap-s">
        <input type="checkbox" checked={sheet} onChange={(e) => setSheet(e.target.checked)} data-testid="frames-sheet" />
        <span>{t('frames.sheet')}</span>
      </label>
      <label className="field">
        <span>{t('frames.folder')}</span>
        <input value={folder} onChange={(e) => setFolder(e.target.value)} data-testid="frames-folder" />
      </label>
    </MediaDialog>
  );
}
