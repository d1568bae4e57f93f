import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LibraryInfo } from '../../../../core/api/commands.js';
import { client } from '../../state/client.js';
import { errorMessage } from '../../transport/types.js';

type Tool = LibraryInfo['ffmpeg'];

function ToolRow({ name, tool }: { name: 'ffmpeg' | 'ffprobe'; tool: Tool }) {
  const { t } = useTranslation('platform');
  return (
    <div className="settings-row" data-testid={`settings-${name}`}>
      <span>{name}</span>
      <span>
        {tool.buildYear ? t('versionBuilt', { version: tool.version, year: tool.buildYear }) : tool.version}
        {' · '}
        {t(`sources.${tool.source}`)}
      </span>
      <small className="settings-hint">
        <code>{tool.path}</code>
        <br />
        {t('why', { reason: tool.reason })}
      </small>
    </div>
  );
}

/** The ffmpeg and ffprobe in use: versions, where they came from, why, warnings and disabled features. */
export function FfmpegSettings() {
  const { t } = useTranslation('platform');
  const [info, setInfo] = useState<LibraryInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    client()
      .call('library.info', {})
      .then((i) => live && setInfo(i))
      .catch((e: unknown) => live && setError(errorMessage(e)));
    return () => {
      live = false;
    };
  }, []);
  const disabled = info ? Object.entries(info.ffmpegFeatures).filter(([, s]) => !s.available) : [];
  return (
    <section className="settings-section" aria-labelledby="settings-ffmpeg" data-testid="settings-ffmpeg-section">
      <h2 id="settings-ffmpeg">{t('title')}</h2>
      {error && <p role="alert">{error}</p>}
      {!info && !error && <p>{t('checking')}</p>}
      {info && (
        <>
          <ToolRow name="ffmpeg" tool={info.ffmpeg} />
          <ToolRow name="ffprobe" tool={info.ffprobe} />
          {info.ffmpegWarnings.length > 0 && (
            <ul role="alert" data-testid="settings-ffmpeg-warnings">
              {info.ffmpegWarnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          )}
          <p className="settings-hint" data-testid="settings-ffmpeg-features">
            {disabled.length === 0 ? t('allFeatures') : t('disabled', { features: disabled.map(([f]) => f).join(', ') })}
          </p>
          <p className="settings-hint">{t('howToChange')}</p>
        </>
      )}
    </section>
  );
}
