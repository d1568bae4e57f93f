import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { client } from '../../state/client.js';
import { errorMessage } from '../../transport/types.js';
import type { VideoPanelProps } from '../video/panel-types.js';
import { MediaDialog } from './MediaDialog.js';
import { JobStatus, besideOriginal, useOneJobStart } from './JobStatus.js';
import './locales/types.js';

interface PresetRow {
  name: string;
  ext: string;
  kind: string;
  available: boolean;
  description: string;
}

/** "Convert…": pick a preset (those whose encoder is missing are shown and refused), options, output; one job. */
export function ConvertAction({ video }: VideoPanelProps) {
  const { t } = useTranslation('media');
  const [open, setOpen] = useState(false);
  const [presets, setPresets] = useState<PresetRow[]>([]);
  const [preset, setPreset] = useState('mp4-h264');
  const [maxHeight, setMaxHeight] = useState('');
  const [audio, setAudio] = useState(true);
  const [output, setOutput] = useState('');
  const [edited, setEdited] = useState(false);
  const { jobId, error, setError, start: startJob } = useOneJobStart();

  useEffect(() => {
    if (!open) return;
    let live = true;
    client()
      .call('convert.presets', {})
      .then((list) => live && setPresets(list))
      .catch((err: unknown) => live && setError(errorMessage(err)));
    return () => {
      live = false;
    };
  }, [open, setError]); // setError is useState's: stable
  const ext = presets.find((p) => p.name === preset)?.ext ?? '.mp4';
  useEffect(() => {
    if (!edited) setOutput(besideOriginal(video.path, `-${preset}`, ext));
  }, [preset, ext, edited, video.path]);

  const start = () => {
    const h = Number(maxHeight);
    return startJob(() =>
      client().call('convert.start', {
        inputs: [video.id],
        preset,
        options: { audio, ...(maxHeight && Number.isInteger(h) && h > 0 ? { maxHeight: h } : {}) },
        output,
      }),
    );
  };

  return (
    <MediaDialog
      id="convert"
      label={t('convert.action')}
      title={t('convert.title')}
      open={open}
      setOpen={setOpen}
      error={error}
      status={jobId !== null && <JobStatus jobId={jobId} doneText={(o) => t('done', { file: (o as { output: string }).output })} />}
      onStart={() => void start()}
      startDisabled={!output}
    >
      <label className="field">
        <span>{t('convert.preset')}</span>
        <select value={preset} onChange={(e) => setPreset(e.target.value)} data-testid="convert-preset">
          {presets.map((p) => (
            <option key={p.name} value={p.name} title={p.description}>
              {p.available ? p.name : t('convert.unavailable', { name: p.name })}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t('convert.maxHeight')}</span>
        <input inputMode="numeric" value={maxHeight} onChange={(e) => setMaxHeight(e.target.value)} data-testid="convert-max-height" />
      </label>
      <label className="field row gap-s">
        <input type="checkbox" checked={audio} onChange={(e) => setAudio(e.target.checked)} data-testid="convert-audio" />
        <span>{t('convert.audio')}</span>
      </label>
      <label className="field">
        <span>{t('output')}</span>
        <input
          value={output}
          title={t('outputHint')}
          onChange={(e) => {
            setEdited(true);
            setOutput(e.target.value);
          }}
          data-testid="convert-output"
        />
      </label>
    </MediaDialog>
  );
}
