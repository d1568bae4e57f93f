import { useCallback, useEffect, useState } from 'react';
import type { CommandInput, PatientData } from '../../../../core/api/commands.js';
import type { AuditEntry, OcrJobOutput, PatientField, PreviewWarning, ProfileInfo } from '../../../../core/api/types.js';
import { Badge, Button, ProgressBar } from '../../components/ui.js';
import { ConfidenceBadge } from '../confidence/ConfidenceBadge.js';
import { navigate } from '../../lib/route.js';
import { client } from '../../state/client.js';
import { notify, useApp } from '../../state/store.js';
import { useTranslation } from 'react-i18next';
import { i18n } from '../../i18n/index.js';
import { errorText } from '../../i18n/errors.js';
import { previewWarningText } from '../../i18n/preview-warning.js';
import { formatDateTime, formatPercentValue } from '../../i18n/format.js';
import { ClientError } from '../../transport/types.js';
import { playerControls } from '../video/player.js';
import type { VideoPanelProps } from '../video/panel-types.js';
import { EndoscopeEditor } from './EndoscopeEditor.js';
import { ProfileEditor } from './ProfileEditor.js';
import { ProfileSelect } from './ProfileSelect.js';
import './patient.css';

type FieldChange = Omit<CommandInput<'patient.update'>, 'video'>;

const FIELDS: PatientField[] = ['last_name', 'first_name', 'dob', 'examination_date', 'examination_time', 'casenumber', 'device'];

/** Patient data read from the overlay: each field, its confidence and crop; correct, verify, re-read. */
export function PatientPanel({ video }: VideoPanelProps) {
  const { t } = useTranslation('patient');
  const [data, setData] = useState<PatientData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [profiles, setProfiles] = useState<ProfileInfo[]>([]);
  const [profile, setProfile] = useState<string>('');
  const [editor, setEditor] = useState(false);
  const [regionEditor, setRegionEditor] = useState(false);
  // What the last correction of the endoscope region said about the previews (null: all made again).
  const [regionWarning, setRegionWarning] = useState<PreviewWarning | null>(null);
  const [suggestion, setSuggestion] = useState<string | null>(null);
  const job = useApp((s) => [...s.jobs.values()].filter((j) => j.videoId === video.id && j.kind === 'ocr').sort((a, b) => b.id - a.id)[0]);
  const active = job && (job.state === 'queued' || job.state === 'running');
  // The last reading finished, but previews could not be made again with what it found (they were withdrawn).
  const previewWarnings = job?.state === 'succeeded' ? ((job.output as OcrJobOutput | null)?.previewWarnings ?? []) : [];

  const load = useCallback(() => {
    client()
      .call('patient.get', { video: video.id })
      .then((d) => (setData(d), setError(null)))
      .catch((err) => setError(errorText(err)));
  }, [video.id]);
  const loadProfiles = useCallback(
    () =>
      client()
        .call('profiles.list', {})
        .then(setProfiles)
        .catch(() => undefined),
    [],
  );

  useEffect(() => {
    load();
    void loadProfiles();
    return client().subscribe((e) => {
      if (e.type === 'data.changed' && e.videoId === video.id && (e.topic === 'patient' || e.topic === 'ocr')) load();
    });
  }, [video.id, load, loadProfiles]);
  // A finished OCR job changes the fields.
  useEffect(() => {
    if (job?.state === 'succeeded') load();
  }, [job?.state, load]);

  const run = async () => {
    try {
      // The job's progress arrives through the job events the store already follows.
      await client().call('ocr.start', { video: video.id, ...(profile ? { profile } : {}) });
    } catch (err) {
      notify(errorText(err));
    }
  };
  const suggest = async () => {
    try {
      const m = await client().call('profiles.suggest', { video: video.id });
      const best = m[0];
      if (best && best.score >= 0.6) {
        setProfile(best.name);
        setSuggestion(t('suggested', { name: best.name, score: formatPercentValue(best.score) }));
      } else setSuggestion(t('noSuggestion'));
    } catch (err) {
      setSuggestion(errorText(err));
    }
  };
  /** Send a change; returns the stored data (null when refused, with the reason said once, in words). */
  const update = async (change: FieldChange, label: string): Promise<PatientData | null> => {
    try {
      const d = await client().call('patient.update', { video: video.id, ...change });
      setData(d);
      return d;
    } catch (err) {
      notify(fieldError(err, label));
      return null;
    }
  };

  const byField = new Map((data?.fields ?? []).map((f) => [f.field, f]));
  return (
    <div className="patient" data-testid="patient-panel">
      <div className="patient-toolbar">
        <ProfileSelect
          className="patient-profile"
          label={t('profile')}
          value={profile}
          onChange={setProfile}
          emptyLabel={t('profileAuto')}
          profiles={profiles}
          testId="patient-profile"
        />
        <Button size="sm" variant="primary" disabled={Boolean(active)} onClick={() => void run()} data-testid="patient-read">
          {data?.ocrAt ? t('reread') : t('read')}
        </Button>
        <Button size="sm" variant="ghost" disabled={!data?.ocrAt} onClick={() => void suggest()} data-testid="patient-suggest">
          {t('suggest')}
        </Button>
        <Button size="sm" variant="ghost" onClick={() => setEditor(true)} data-testid="patient-edit-profiles">
          {t('editProfiles')}
        </Button>
      </div>
      {suggestion && (
        <p className="muted" data-testid="patient-suggestion">
          {suggestion}
        </p>
      )}
      {active && <ProgressBar value={job.progress} label={t('reading')} indeterminate={job.state === 'queued'} />}
      {error && <p className="patient-error">{error}</p>}
      {previewWarnings.map((w, i) => (
        <p key={i} className="patient-warning" role="alert" data-testid="patient-preview-warning">
          {previewWarningText(w)}
        </p>
      ))}
      {data && !data.ocrAt && !active && <p className="muted">{t('notRead')}</p>}
      {data?.ocrAt && (
        <p className="muted" data-testid="patient-profile-used">
          {data.profile ? t('profileUsed', { name: data.profile }) : t('profileNone')}
        </p>
      )}
      <ul className="patient-fields">
        {FIELDS.map((f) => (
          <FieldRow
            key={f}
            videoId={video.id}
            field={f}
            view={byField.get(f) ?? null}
            thresholds={data?.confidenceThresholds ?? null}
            onChange={(c) => update(c, t(`fields.${f}`))}
          />
        ))}
      </ul>
      <p className="muted patient-endoscope">
        <span data-testid="patient-endoscope">
          {data?.endoscope
            ? t('endoscope', {
                shape: t(`shapes.${data.endoscope.shape}` as 'shapes.circle', { defaultValue: data.endoscope.shape }),
                width: data.endoscope.width,
                height: data.endoscope.height,
              })
            : t('endoscopeUnknown')}
        </span>{' '}
        <Button size="sm" variant="ghost" disabled={!data} onClick={() => setRegionEditor(true)} data-testid="patient-endoscope-edit">
          {t('endoscopeEditor.open')}
        </Button>
      </p>
      {/* The region is saved, but previews could not be made again with it (withdrawn): said in the user's language. */}
      {regionWarning && (
        <p className="patient-warning" role="alert" data-testid="endoscope-preview-warning">
          {previewWarningText(regionWarning)}
        </p>
      )}
      {data && data.samePatientVideos.length > 0 && (
        <p className="patient-same">
          {t('samePatient')}{' '}
          {data.samePatientVideos.map((id) => (
            <a key={id} href={`#/video/${id}`} onClick={(e) => (e.preventDefault(), navigate({ name: 'video', id }))}>
              {t('video', { id })}
            </a>
          ))}
        </p>
      )}
      <History videoId={video.id} version={data} />
      {regionEditor && (
        <EndoscopeEditor
          video={video}
          current={data?.endoscope ?? null}
          onClose={() => setRegionEditor(false)}
          onSaved={(stored) => {
            setRegionEditor(false);
            setRegionWarning(stored.previewError ?? null);
            load();
          }}
        />
      )}
      {editor && (
        <ProfileEditor
          video={video}
          profiles={profiles}
          onClose={() => setEditor(false)}
          onSaved={(name) =>
            // The editor closes once the list holds the saved profile: chosen before, the picker would show
            // "automatic" (no such option yet) until the list arrived, late on a busy machine.
            void loadProfiles().then(() => {
              setProfile(name);
              setEditor(false);
            })
          }
        />
      )}
    </div>
  );
}

function FieldRow({
  videoId,
  field,
  view,
  thresholds,
  onChange,
}: {
  videoId: number;
  field: PatientField;
  view: PatientData['fields'][number] | null;
  thresholds: PatientData['confidenceThresholds'] | null;
  onChange: (c: FieldChange) => Promise<PatientData | null>;
}) {
  const { t } = useTranslation('patient');
  const label = t(`fields.${field}`);
  const [value, setValue] = useState(view?.value ?? '');
  const [crop, setCrop] = useState<string | null>(null);
  // Shown at once when clicked; the stored state replaces it when the update returns (or reverts it on error).
  const [verified, setVerified] = useState(view?.verified ?? false);
  useEffect(() => setValue(view?.value ?? ''), [view?.value, view?.updatedAt]);
  useEffect(() => setVerified(view?.verified ?? false), [view?.verified, view?.updatedAt]);
  useEffect(() => {
    setCrop(null);
    if (!view?.hasCrop) return;
    let live = true;
    client()
      .call('patient.crop', { video: videoId, field })
      .then((c) => live && setCrop(c.png))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [videoId, field, view?.hasCrop, view?.updatedAt]);
  const dirty = value.trim() !== (view?.value ?? '');
  const save = async () => {
    const d = await onChange(value.trim() ? { set: { [field]: value } } : { clear: [field] });
    // The stored (normalised) value replaces what was typed: "07.09.1951" becomes "1951-09-07", Save goes away.
    if (d) setValue(d.fields.find((x) => x.field === field)?.value ?? '');
  };
  return (
    <li className="patient-field" data-testid={`patient-field-${field}`}>
      <div className="patient-field-head">
        <label htmlFor={`pf-${field}`}>{label}</label>
        <span className="badges">
          {view?.confidence !== null && view?.confidence !== undefined && view.level && thresholds && (
            <ConfidenceBadge
              confidence={view.confidence}
              level={view.level}
              thresholds={thresholds}
              {...(view.alternatives ? { alternatives: view.alternatives } : {})}
              testId={`patient-confidence-${field}`}
            />
          )}
          {view?.source === 'manual' && <Badge tone="info">{t('manual')}</Badge>}
        </span>
      </div>
      <div className="patient-field-edit">
        <input
          className="input"
          id={`pf-${field}`}
          value={value}
          placeholder={t('empty')}
          onChange={(e) => setValue(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && dirty && void save()}
          data-testid={`patient-input-${field}`}
        />
        {dirty && (
          <Button size="sm" variant="primary" onClick={() => void save()} data-testid={`patient-save-${field}`}>
            {value.trim() ? t('save') : t('clear')}
          </Button>
        )}
        <label className="patient-verify" title={t('verify', { label })}>
          <input
            type="checkbox"
            checked={verified}
            disabled={!view || dirty}
            onChange={(e) => {
              setVerified(e.target.checked);
              void onChange(e.target.checked ? { verify: [field] } : { unverify: [field] });
            }}
            aria-label={t('verify', { label })}
            data-testid={`patient-verify-${field}`}
          />
          <span>{t('verified')}</span>
        </label>
      </div>
      {crop && (
        <button
          type="button"
          className="patient-crop"
          onClick={() => view?.frame !== null && view?.frame !== undefined && playerControls.seekToFrame(view.frame)}
          title={view?.frame !== null && view?.frame !== undefined ? t('showFrame', { frame: view.frame }) : undefined}
        >
          <img
            src={`data:image/png;base64,${crop}`}
            alt={
              view?.frame !== null && view?.frame !== undefined ? t('cropAltFrame', { label, frame: view.frame }) : t('cropAlt', { label })
            }
            data-testid={`patient-crop-${field}`}
          />
        </button>
      )}
    </li>
  );
}

function History({ videoId, version }: { videoId: number; version: unknown }) {
  const { t } = useTranslation('patient');
  const [open, setOpen] = useState(false);
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  useEffect(() => {
    if (!open) return;
    client()
      .call('patient.audit', { video: videoId })
      .then(setEntries)
      .catch(() => setEntries([]));
  }, [open, videoId, version]);
  return (
    <details className="patient-history" onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
      <summary>{t('history')}</summary>
      {entries && !entries.length && <p className="muted">{t('historyEmpty')}</p>}
      <ol data-testid="patient-history">
        {[...(entries ?? [])].reverse().map((a) => (
          <li key={a.id}>
            <span className="muted">{formatDateTime(a.at)}</span>{' '}
            {t('historyRow', { who: a.who, action: t(`actions.${a.action}` as 'actions.ocr', { defaultValue: a.action }) })} ·{' '}
            {t(`fields.${a.field as PatientField}`, { defaultValue: a.field })}: <s>{a.oldValue ?? t('empty')}</s> →{' '}
            {a.newValue ?? t('empty')}
          </li>
        ))}
      </ol>
    </details>
  );
}

/** A refused change said once, in words: "Date of birth: type a date such as 07.09.1951." */
function fieldError(err: unknown, label: string): string {
  const expected = err instanceof ClientError ? err.details?.expected : undefined;
  if (expected === 'date')
    return i18n.t('patient:dateInvalid', { field: label, example: i18n.language === 'de' ? '07.09.1951' : '1951-09-07' });
  if (err instanceof ClientError && err.code === 'usage') return `${label}: ${err.message.replace(/^[a-z_]+: /, '')}`;
  return `${label}: ${errorText(err)}`;
}
