import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EmbeddedStream } from '../../../../core/api/types.js';
import { client } from '../../state/client.js';
import { notify } from '../../state/store.js';
import { errorMessage } from '../../transport/types.js';
import { loadSubtitles, subtitleActions } from './subtitleStore.js';

/** Subtitle streams inside the video file: text ones can be imported, bitmap ones are listed with the reason. */
export function EmbeddedImport({ videoId }: { videoId: number }) {
  const { t } = useTranslation('subtitles');
  const [streams, setStreams] = useState<EmbeddedStream[]>([]);
  useEffect(() => {
    let live = true;
    client()
      .call('subtitles.list', { video: videoId })
      .then((r) => live && setStreams(r.embedded))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [videoId]);
  if (!streams.length) return null;
  const importStream = async (index: number) => {
    try {
      const r = await client().call('subtitles.importStream', { video: videoId, stream: index });
      await loadSubtitles(videoId);
      subtitleActions.setTrack(r.track.id);
    } catch (err) {
      notify(errorMessage(err));
    }
  };
  return (
    <select
      className="sub-embedded"
      value=""
      aria-label={t('fromFile')}
      data-testid="subtitle-embedded"
      onChange={(e) => e.target.value && void importStream(Number(e.target.value))}
    >
      <option value="">{t('fromFile')}</option>
      {streams.map((s) => (
        <option key={s.index} value={s.index} disabled={!s.importable} title={s.reason ?? undefined}>
          {t('stream', { index: s.index, codec: s.codec ?? '?', language: s.language ?? '—' })}
          {s.importable ? '' : ` — ${t('bitmap')}`}
        </option>
      ))}
    </select>
  );
}
