import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AnonymizeJobOutput, VideoDetail } from '../../../../core/api/types.js';
import type { CommandOutput } from '../../../../core/api/commands.js';
import { Modal } from '../../components/Modal.js';
import { Badge, Button, ProgressBar } from '../../components/ui.js';
import { errorText } from '../../i18n/errors.js';
import { previewWarningText } from '../../i18n/preview-warning.js';
import { formatNumber } from '../../i18n/format.js';
import { formatDuration, formatPercent } from '../../lib/format.js';
import { client } from '../../state/client.js';
import { useApp } from '../../state/store.js';
import { formatSeconds, jobStageLabel } from '../jobs/labels.js';
import type { VideoPanelProps } from '../video/panel-types.js';
import { FolderField } from './FolderField.js';
import { GateNotice } from './GateNotice.js';
import { PlanPreview, SegmentsBar } from './PlanPreview.js';
import { SideBySide } from './SideBySide.js';
import { AnonymizedSubtitlesNote } from '../subtitles/SubtitleShortcuts.js';
import './anonymize.css';

type PlanResult = CommandOutput<'anonymize.plan'>;
interface Options {
  outside: 'cut' | 'black';
  keepAudio: boolean;
  /** Keep the sound but mute detected speech (the core's voice activity detector; checked on the output). */
  muteSpeech: boolean;
  crop: boolean;
  maskStyle: 'fill' | 'blur';
  allowUnreviewed: boolean;
  preset: 'fast' | 'balanced' | 'quality';
}

const seconds = (s: number) => `${formatNumber(s, { maximumFractionDigits: 1 })} s`;

/** The export folder: the library's default, else the last one used; and the recent ones (settings). */
function useFolders(): { dir: string; setDir: (d: string) => void; recent: string[]; remember: (d: string) => void } {
  const [dir, setDir] = useState('');
  const [recent, setRecent] = useState<string[]>([]);
  useEffect(() => {
    let live = true;
    client()
      .call('settings.get', {})
      .then((s) => {
        if (!live) return;
        const r = Array.isArray(s.exportRecentFolders) ? (s.exportRecentFolders as string[]) : [];
        setRecent(r);
        const first = typeof s.exportDefaultFolder === 'string' ? s.exportDefaultFolder : (r[0] ?? '');
        setDir((d) => d || first);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);
  const remember = useCallback((d: string) => {
    setRecent((r) => {
      const next = [d, ...r.filter((x) => x !== d)].slice(0, 8);
      void client()
        .call('settings.set', { key: 'exportRecentFolders', value: next })
        .catch(() => undefined);
      return next;
    });
  }, []);
  return { dir, setDir, recent, remember };
}

/** Where the user goes to fix what blocks the export: the dialog closes and that panel gets the focus. */
function focusPanel(target: 'patient' | 'timeline'): void {
  requestAnimationFrame(() => {
    const el =
      target === 'patient'
        ? document.querySelector<HTMLElement>('[data-panel=patient] input')
        : document.querySelector<HTMLElement>('[data-testid=timeline-canvas]');
    el?.scrollIntoView({ block: 'center' });
    el?.focus();
  });
}

export function ExportDialog({ video, onClose }: { video: VideoDetail; onClose: () => void }) {
  const { t } = useTranslation('anonymize');
  const [opts, setOpts] = useState<Options>({
    outside: 'cut',
    keepAudio: false,
    muteSpeech: false,
    crop: false,
    maskStyle: 'fill',
    allowUnreviewed: false,
    preset: 'fast',
  });
  const { dir, setDir, recent, remember } = useFolders();
  const [folderOk, setFolderOk] = useState(false);
  const [plan, setPlan] = useState<PlanResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [jobId, setJobId] = useState<number | null>(null);
  const job = useApp((s) => (jobId === null ? undefined : s.jobs.get(jobId)));

  useEffect(() => {
    let live = true;
    client()
      .call('anonymize.plan', { video: video.id, options: opts })
      .then((p) => live && (setPlan(p), setError(null)))
      .catch((err) => live && (setPlan(null), setError(errorText(err))));
    return () => {
      live = false;
    };
  }, [video.id, opts]);

  const start = useCallback(async () => {
    try {
      const r = await client().call('anonymize.start', { video: video.id, output: { dir: dir.trim() }, options: opts });
      setJobId(r.job.id);
      setError(null);
      remember(dir.trim());
    } catch (err) {
      setError(errorText(err));
    }
  }, [video.id, dir, opts, remember]);

  const removedSeconds = useMemo(() => (plan ? plan.plan.input.duration - plan.plan.expectedDuration : 0), [plan]);
  const result = job?.state === 'succeeded' ? (job.output as AnonymizeJobOutput) : null;
  const failedVerification =
    job?.state === 'failed'
      ? (job.error?.details as { verification?: AnonymizeJobOutput['verification'] } | undefined)?.verification
      : undefined;
  const set = <K extends keyof Options>(k: K, v: Options[K]) => setOpts((o) => ({ ...o, [k]: v }));
  const running = job?.state === 'queued' || job?.state === 'running';

  const blocked: string | null = !plan ? error : !plan.gate.ok ? t('gateTitle') : !dir.trim() || !folderOk ? t('folderRequired') : null;
  const masks = plan?.plan.masks;
  const footer = (
    <div className="export-footer">
      {job && running && (
        <div className="anon-progress" data-testid="anon-progress">
          <ProgressBar value={job.progress} label={t('progress')} />
          <span className="muted">
            {jobStageLabel(job.stage)} · {formatPercent(job.progress)}
            {job.etaSeconds !== null ? ` · ${t('eta', { time: formatSeconds(job.etaSeconds) })}` : ''}
          </span>
        </div>
      )}
      {!running && blocked && (
        <span className="export-blocked" data-testid="anon-blocked">
          {t('blockedBy', { reason: blocked })}
        </span>
      )}
      <Button variant="primary" onClick={() => void start()} disabled={!!blocked || running} data-testid="anon-start">
        {t('start')}
      </Button>
    </div>
  );

  return (
    <Modal title={t('title')} onClose={onClose} closeLabel={t('close')} testId="export-dialog" footer={footer} className="export-modal">
      {error && (
        <p className="error" role="alert" data-testid="anon-error">
          {error}
        </p>
      )}
      {plan && masks && (
        <section aria-label={t('planTitle')} className="anon-plan">
          <PlanPreview video={video} plan={plan.plan} />
          <SegmentsBar plan={plan.plan} />
          <ul className="anon-facts" data-testid="anon-facts">
            <li data-testid="anon-region-summary">{masks.region ? t('regionMasked') : t('noRegion')}</li>
            <li data-testid="anon-mask-summary">{masks.boxes.length ? t('boxesMasked', { count: masks.boxes.length }) : t('noBoxes')}</li>
            <li>
              {plan.plan.removed.length
                ? t('removed', { count: plan.plan.removed.length, seconds: seconds(removedSeconds) })
                : t('noneRemoved')}
            </li>
            {plan.plan.blacked.length > 0 && <li>{t('blacked', { count: plan.plan.blacked.length })}</li>}
            <li data-testid="anon-timed">
              {(masks.timed ?? []).length ? t('timed', { count: (masks.timed ?? []).length }) : t('noTimed')}
            </li>
            <li data-testid="anon-audio-summary">
              {plan.plan.input.audioStreams === 0
                ? t('audio.none')
                : plan.plan.audio.mutedSpeech
                  ? t('audio.speechMuted')
                  : plan.plan.audio.keep
                    ? t('audio.kept')
                    : t('audio.removed')}
            </li>
            <li>{t('duration', { duration: `${formatDuration(plan.plan.expectedDuration)} (${seconds(plan.plan.expectedDuration)})` })}</li>
          </ul>
          {(plan.plan.warningCodes ?? []).map((w) => (
            <p key={w} className="anon-warning" data-testid="anon-warning">
              <Badge tone="warning">!</Badge> {t(`warnings.${w}`)}
            </p>
          ))}
          {!plan.plan.warningCodes &&
            plan.plan.warnings.map((w) => (
              <p key={w} className="anon-warning" data-testid="anon-warning">
                <Badge tone="warning">!</Badge> {w}
              </p>
            ))}
          <GateNotice
            gate={plan.gate}
            videoId={video.id}
            onLeave={(target) => {
              onClose();
              focusPanel(target);
            }}
          />
        </section>
      )}
      <fieldset className="anon-options" disabled={running}>
        <label>
          {t('outside')}{' '}
          <select value={opts.outside} onChange={(e) => set('outside', e.target.value as Options['outside'])}>
            <option value="cut">{t('cut')}</option>
            <option value="black">{t('black')}</option>
          </select>
        </label>
        <label>
          {t('maskStyle')}{' '}
          <select value={opts.maskStyle} onChange={(e) => set('maskStyle', e.target.value as Options['maskStyle'])}>
            <option value="fill">{t('maskFill')}</option>
            <option value="blur">{t('maskBlur')}</option>
          </select>
        </label>
        <label>
          {t('preset')}{' '}
          <select value={opts.preset} onChange={(e) => set('preset', e.target.value as Options['preset'])}>
            {(['fast', 'balanced', 'quality'] as const).map((p) => (
              <option key={p} value={p}>
                {t(`presets.${p}`)}
              </option>
            ))}
          </select>
        </label>
        <AnonymizedSubtitlesNote />
        <AudioMode
          opts={opts}
          hasAudio={(plan?.plan.input.audioStreams ?? 1) > 0}
          onChange={(keepAudio, muteSpeech) => setOpts((o) => ({ ...o, keepAudio, muteSpeech }))}
        />
        <label>
          <input type="checkbox" checked={opts.crop} onChange={(e) => set('crop', e.target.checked)} /> {t('crop')}
        </label>
        <label>
          <input type="checkbox" checked={opts.allowUnreviewed} onChange={(e) => set('allowUnreviewed', e.target.checked)} />{' '}
          {t('allowUnreviewed')}
        </label>
      </fieldset>
      <FolderField value={dir} onChange={setDir} recent={recent} onValidity={setFolderOk} disabled={running} />
      {result && (
        <section className="anon-result" data-testid="anon-result">
          <Badge tone="success">{t('verified')}</Badge>{' '}
          {t('frames', { count: result.verification.sampledFrames, seconds: seconds(result.verification.seconds) })}
          {result.plan.audio.mutedSpeech && (
            <p data-testid="anon-speech-muted">{t('audio.mutedCount', { count: result.plan.audio.mutedSpeech.length })}</p>
          )}
          {(result.verification.textSeen ?? []).filter((x) => x.kind === 'other').length > 0 && (
            <>
              <h3>{t('otherText')}</h3>
              <ul data-testid="anon-other-text">
                {(result.verification.textSeen ?? [])
                  .filter((x) => x.kind === 'other')
                  .slice(0, 20)
                  .map((x, i) => (
                    <li key={i}>
                      {t('seenAt', {
                        frame: x.frame,
                        time: seconds(x.time),
                        x: x.box.x,
                        y: x.box.y,
                        width: x.box.width,
                        height: x.box.height,
                      })}
                    </li>
                  ))}
              </ul>
            </>
          )}
          {/* Previews the job could not make again with its masks were withdrawn: said in the user's language
              (outputs stored before the codes existed keep the core's English text). */}
          {(result.previewWarnings?.map(previewWarningText) ?? result.warnings ?? []).map((w, i) => (
            <p key={i} className="anon-warning" data-testid="anon-job-warning">
              <Badge tone="warning">!</Badge> {w}
            </p>
          ))}
          <dl>
            <dt>{t('output')}</dt>
            <dd data-testid="anon-output">{result.outputPath}</dd>
            <dt>{t('sha')}</dt>
            <dd>
              <code>{result.sha256}</code>
            </dd>
          </dl>
          <SideBySide videoId={video.id} exportId={result.exportId} plan={result.plan} />
        </section>
      )}
      {job?.state === 'failed' && (
        <section className="anon-result" data-testid="anon-failed">
          <Badge tone="danger">{failedVerification ? t('rejected') : t('failed')}</Badge>{' '}
          {job.error ? errorText(job.error, video.name) : ''}
          {failedVerification && (
            <>
              <h3>{t('findings')}</h3>
              <ul>
                {failedVerification.findings.slice(0, 20).map((f, i) => (
                  <li key={i}>{f.message}</li>
                ))}
              </ul>
            </>
          )}
        </section>
      )}
    </Modal>
  );
}

/** What happens to the sound: dropped (the default: speech can carry names), kept, or kept with speech muted. */
function AudioMode({
  opts,
  hasAudio,
  onChange,
}: {
  opts: Options;
  hasAudio: boolean;
  onChange: (keepAudio: boolean, muteSpeech: boolean) => void;
}) {
  const { t } = useTranslation('anonymize');
  const mode = opts.muteSpeech ? 'mute' : opts.keepAudio ? 'keep' : 'drop';
  const choices = [
    { value: 'drop', label: t('audioMode.drop'), keep: false, mute: false },
    { value: 'keep', label: t('keepAudio'), keep: true, mute: false },
    { value: 'mute', label: t('audioMode.mute'), keep: false, mute: true },
  ] as const;
  return (
    <fieldset className="anon-audio" disabled={!hasAudio} data-testid="anon-audio-mode">
      <legend>{t('audioMode.title')}</legend>
      {choices.map((c) => (
        <label key={c.value}>
          <input
            type="radio"
            name="anon-audio"
            value={c.value}
            checked={mode === c.value}
            onChange={() => onChange(c.keep, c.mute)}
            data-testid={`anon-audio-${c.value}`}
          />{' '}
          {c.label}
        </label>
      ))}
    </fieldset>
  );
}

/** The header action that opens the dialog (registered in video/panels.tsx, slot 'actions'). */
export function ExportAction({ video }: VideoPanelProps) {
  const { t } = useTranslation('anonymize');
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button size="sm" onClick={() => setOpen(true)} data-testid="action-export">
        {t('open')}
      </Button>
      {open && <ExportDialog video={video} onClose={() => setOpen(false)} />}
    </>
  );
}
