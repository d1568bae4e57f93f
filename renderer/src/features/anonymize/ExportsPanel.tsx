import { useEffect, useState } from 'react';
import type { AnonymizeExportRecord } from '../../../../core/api/types.js';
import { Badge, type Tone } from '../../components/ui.js';
import { client } from '../../state/client.js';
import { useApp } from '../../state/store.js';
import { errorMessage } from '../../transport/types.js';
import type { VideoPanelProps } from '../video/panel-types.js';

const tones: Record<AnonymizeExportRecord['state'], Tone> = {
  running: 'info',
  verified: 'success',
  rejected: 'danger',
  failed: 'danger',
  cancelled: 'neutral',
};

/** The export audit of this video: who exported when, the verification result and the output's hash. */
export function ExportsPanel({ video }: VideoPanelProps) {
  const [rows, setRows] = useState<AnonymizeExportRecord[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Refetch when any job of this video changes state (an export finishing is one).
  const jobsKey = useApp((s) =>
    [...s.jobs.values()]
      .filter((j) => j.videoId === video.id && j.kind === 'anonymize')
      .map((j) => `${j.id}:${j.state}`)
      .join(','),
  );
  useEffect(() => {
    let live = true;
    client()
      .call('anonymize.exports', { video: video.id })
      .then((r) => live && (setRows(r), setError(null)))
      .catch((err) => live && setError(errorMessage(err)));
    return () => {
      live = false;
    };
  }, [video.id, jobsKey]);
  if (error) return <p className="error">{error}</p>;
  if (!rows) return null;
  if (!rows.length) return <p className="muted">No anonymized export yet.</p>;
  return (
    <ul className="anon-exports" data-testid="anon-exports">
      {rows.map((r) => (
        <li key={r.id}>
          <Badge tone={tones[r.state]}>{r.state}</Badge> {new Date(r.startedAt).toLocaleString()} · {r.who}
          <div className="muted" title={r.outputPath}>
            {r.state === 'verified' ? r.outputPath : (r.error?.message ?? '')}
          </div>
          {r.verification && (
            <div className="muted">
              {r.verification.sampledFrames} frames checked, {r.verification.findingCount} finding(s)
              {r.outputSha256 ? ` · sha256 ${r.outputSha256.slice(0, 16)}…` : ''}
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}
