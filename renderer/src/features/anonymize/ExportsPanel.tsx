import { useEffect, useState } from 'react';
import type { AnonymizeExportRecord } from '../../../../core/api/types.js';
import { Badge, type Tone } from '../../components/ui.js';
import { client } from '../../state/client.js';
import { useApp } from '../../state/store.js';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../i18n/errors.js';
import { formatDateTime } from '../../i18n/format.js';
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
  const { t } = useTranslation('anonymize');
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
      .catch((err) => live && setError(errorText(err)));
    return () => {
      live = false;
    };
  }, [video.id, jobsKey]);
  if (error) return <p className="error">{error}</p>;
  if (!rows) return null;
  if (!rows.length) return <p className="muted">{t('noExports')}</p>;
  return (
    <ul className="anon-exports" data-testid="anon-exports">
      {rows.map((r) => (
        <li key={r.id}>
          <Badge tone={tones[r.state]}>{t(`exportStates.${r.state}`)}</Badge> {formatDateTime(r.startedAt)} · {r.who}
          <div className="muted" title={r.outputPath}>
            {r.state === 'verified' ? r.outputPath : r.error ? errorText(r.error) : ''}
          </div>
          {r.verification && (
            <div className="muted">
              {t('checked', { count: r.verification.sampledFrames })},{' '}
              {r.verification.findingCount ? t('findingsCount', { count: r.verification.findingCount }) : t('noFindings')}
              {r.outputSha256 ? ` · sha256 ${r.outputSha256.slice(0, 16)}…` : ''}
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}
