import { useCallback, useEffect, useState } from 'react';
import type { CommandInput, PatientData } from '../../../../core/api/commands.js';
import type { AuditEntry, PatientField, PatientFieldView, ProfileInfo } from '../../../../core/api/types.js';
import { Badge, Button, ProgressBar } from '../../components/ui.js';
import { ConfidenceBadge } from '../confidence/ConfidenceBadge.js';
import { navigate } from '../../lib/route.js';
import { client } from '../../state/client.js';
import { notify, useApp } from '../../state/store.js';
import { errorMessage } from '../../transport/types.js';
import { playerControls } from '../video/player.js';
import type { VideoPanelProps } from '../video/panels.js';
import { ProfileEditor } from './ProfileEditor.js';
import { strings } from '../../strings.js';

const S = strings.patient;
import './patient.css';

type FieldChange = Omit<CommandInput<'patient.update'>, 'video'>;

const FIELDS: PatientField[] = ['last_name', 'first_name', 'dob', 'examination_date', 'examination_time', 'casenumber', 'device'];

/** Patient data read from the overlay: each field, its confidence and crop; correct, verify, re-read. */
export function PatientPanel({ video }: VideoPanelProps) {
  const [data, setData] = useState<PatientData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [profiles, setProfiles] = useState<ProfileInfo[]>([]);
  const [profile, setProfile] = useState<string>('');
  const [editor, setEditor] = useState(false);
  const [suggestion, setSuggestion] = useState<string | null>(null);
  const job = useApp((s) => [...s.jobs.values()].filter((j) => j.videoId === video.id && j.kind === 'ocr').sort((a, b) => b.id - a.id)[0]);
  const active = job && (job.state === 'queued' || job.state === 'running');

  const load = useCallback(() => {
    client()
      .call('patient.get', { video: video.id })
      .then((d) => (setData(d), setError(null)))
      .catch((err) => setError(errorMessage(err)));
  }, [video.id]);
  const loadProfiles = useCallback(() => {
    client()
      .call('profiles.list', {})
      .then(setProfiles)
      .catch(() => undefined);
  }, []);

  useEffect(() => {
    load();
    loadProfiles();
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
      notify(errorMessage(err));
    }
  };
  const suggest = async () => {
    try {
      const m = await client().call('profiles.suggest', { video: video.id });
      const best = m[0];
      if (best && best.score >= 0.6) {
        setProfile(best.name);
        setSuggestion(S.suggested(best.name, best.score));
      } else setSuggestion(S.noSuggestion);
    } catch (err) {
      setSuggestion(errorMessage(err));
    }
  };
  const update = async (change: FieldChange, label: string) => {
    try {
      setData(await client().call('patient.update', { video: video.id, ...change }));
    } catch (err) {
      notify(`${label}: ${errorMessage(err)}`);
    }
  };

  const byField = new Map((data?.fields ?? []).map((f) => [f.field, f]));
  return (
    <div className="patient" data-testid="patient-panel">
      <div className="patient-toolbar">
        <label className="patient-profile">
          <span>{S.profile}</span>
          <select value={profile} onChange={(e) => setProfile(e.target.value)} data-testid="patient-profile">
            <option value="">{S.profileAuto}</option>
            {profiles.map((p) => (
              <option key={p.profile.name} value={p.profile.name}>
                {p.profile.name}
              </option>
            ))}
          </select>
        </label>
        <Button size="sm" variant="primary" disabled={Boolean(active)} onClick={() => void run()} data-testid="patient-read">
          {data?.ocrAt ? S.reread : S.read}
        </Button>
        <Button size="sm" variant="ghost" disabled={!data?.ocrAt} onClick={() => void suggest()} data-testid="patient-suggest">
          {S.suggest}
        </Button>
        <Button size="sm" variant="ghost" onClick={() => setEditor(true)} data-testid="patient-edit-profiles">
          {S.editProfiles}
        </Button>
      </div>
      {suggestion && (
        <p className="muted" data-testid="patient-suggestion">
          {suggestion}
        </p>
      )}
      {active && <ProgressBar value={job.progress} label={S.reading} indeterminate={job.state === 'queued'} />}
      {error && <p className="patient-error">{error}</p>}
      {data && !data.ocrAt && !active && <p className="muted">{S.notRead}</p>}
      {data?.ocrAt && (
        <p className="muted" data-testid="patient-profile-used">
          {S.profileUsed(data.profile)}
        </p>
      )}
      <ul className="patient-fields">
        {FIELDS.map((f) => (
          <FieldRow key={f} videoId={video.id} field={f} view={byField.get(f) ?? null} onChange={(c) => void update(c, S.fields[f])} />
        ))}
      </ul>
      {data?.endoscope && <p className="muted">{S.endoscope(data.endoscope.shape, data.endoscope.width, data.endoscope.height)}</p>}
      {data && data.samePatientVideos.length > 0 && (
        <p className="patient-same">
          {S.samePatient}{' '}
          {data.samePatientVideos.map((id) => (
            <a key={id} href={`#/video/${id}`} onClick={(e) => (e.preventDefault(), navigate({ name: 'video', id }))}>
              {S.video(id)}
            </a>
          ))}
        </p>
      )}
      <History videoId={video.id} version={data} />
      {editor && (
        <ProfileEditor
          video={video}
          profiles={profiles}
          onClose={() => setEditor(false)}
          onSaved={(name) => {
            loadProfiles();
            setProfile(name);
            setEditor(false);
          }}
        />
      )}
    </div>
  );
}

function FieldRow({
  videoId,
  field,
  view,
  onChange,
}: {
  videoId: number;
  field: PatientField;
  view: PatientFieldView | null;
  onChange: (c: FieldChange) => void;
}) {
  const label = S.fields[field];
  const [value, setValue] = useState(view?.value ?? '');
  const [crop, setCrop] = useState<string | null>(null);
  // Shown at once when clicked; the stored state replaces it when the update returns (or reverts it on error).
  const [verified, setVerified] = useState(view?.verified ?? false);
  useEffect(() => setValue(view?.value ?? ''), [view?.value]);
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
  const save = () => {
    if (!value.trim()) onChange({ clear: [field] });
    else onChange({ set: { [field]: value } });
  };
  return (
    <li className="patient-field" data-testid={`patient-field-${field}`}>
      <div className="patient-field-head">
        <label htmlFor={`pf-${field}`}>{label}</label>
        <span className="badges">
          {view?.confidence !== null && view?.confidence !== undefined && (
            <ConfidenceBadge
              confidence={view.confidence}
              {...(view.alternatives ? { alternatives: view.alternatives } : {})}
              testId={`patient-confidence-${field}`}
            />
          )}
          {view?.source === 'manual' && <Badge tone="info">{S.manual}</Badge>}
        </span>
      </div>
      <div className="patient-field-edit">
        <input
          className="input"
          id={`pf-${field}`}
          value={value}
          placeholder={S.empty}
          onChange={(e) => setValue(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && dirty && save()}
          data-testid={`patient-input-${field}`}
        />
        {dirty && (
          <Button size="sm" variant="primary" onClick={save} data-testid={`patient-save-${field}`}>
            {value.trim() ? S.save : S.clear}
          </Button>
        )}
        <label className="patient-verify" title={S.verify(label)}>
          <input
            type="checkbox"
            checked={verified}
            disabled={!view || dirty}
            onChange={(e) => {
              setVerified(e.target.checked);
              onChange(e.target.checked ? { verify: [field] } : { unverify: [field] });
            }}
            aria-label={S.verify(label)}
            data-testid={`patient-verify-${field}`}
          />
          <span>{S.verified}</span>
        </label>
      </div>
      {crop && (
        <button
          type="button"
          className="patient-crop"
          onClick={() => view?.frame !== null && view?.frame !== undefined && playerControls.seekToFrame(view.frame)}
          title={view?.frame !== null && view?.frame !== undefined ? S.showFrame(view.frame) : undefined}
        >
          <img src={`data:image/png;base64,${crop}`} alt={S.cropAlt(label, view?.frame ?? null)} data-testid={`patient-crop-${field}`} />
        </button>
      )}
    </li>
  );
}

function History({ videoId, version }: { videoId: number; version: unknown }) {
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
      <summary>{S.history}</summary>
      {entries && !entries.length && <p className="muted">{S.historyEmpty}</p>}
      <ol data-testid="patient-history">
        {[...(entries ?? [])].reverse().map((a) => (
          <li key={a.id}>
            <span className="muted">{new Date(a.at).toLocaleString()}</span> {S.historyRow(a.who, S.actions[a.action] ?? a.action)} ·{' '}
            {S.fields[a.field as PatientField] ?? a.field}: <s>{a.oldValue ?? S.empty}</s> → {a.newValue ?? S.empty}
          </li>
        ))}
      </ol>
    </details>
  );
}
