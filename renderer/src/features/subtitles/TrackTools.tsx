import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../components/ui.js';
import { client } from '../../state/client.js';
import { notify } from '../../state/store.js';
import { errorMessage } from '../../transport/types.js';
import { edit } from './subtitleStore.js';

/**
 * Track-wide tools: shift every cue, enforce reading speed and gaps, snap to / make cues from the video's
 * `speech` lane (voice activity detection or drawn by hand), download as SRT / WebVTT.
 */
export function TrackTools({ videoId, trackId, name, videoPath }: { videoId: number; trackId: number; name: string; videoPath: string }) {
  const { t } = useTranslation('subtitles');
  const [seconds, setSeconds] = useState('0.5');
  const [muxOut, setMuxOut] = useState(() => videoPath.replace(/\.[^./\\]+$/, '') + '-subtitles.mkv');
  const mux = async () => {
    try {
      await client().call('subtitles.mux', { video: videoId, output: muxOut });
      notify(t('muxStarted'));
    } catch (err) {
      notify(errorMessage(err));
    }
  };
  const shift = () => {
    const offsetMs = Math.round(Number(seconds.replace(',', '.')) * 1000);
    if (!Number.isFinite(offsetMs) || offsetMs === 0) return notify(t('shiftInvalid'));
    void edit(() => client().call('subtitles.shift', { video: videoId, track: trackId, offsetMs }));
  };
  const download = async (format: 'srt' | 'vtt') => {
    try {
      const r = await client().call('subtitles.export', { video: videoId, track: trackId, format });
      const url = URL.createObjectURL(new Blob([r.text], { type: format === 'vtt' ? 'text/vtt' : 'application/x-subrip' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `${name.replace(/\.[^.]+$/, '')}.${format}`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch (err) {
      notify(errorMessage(err));
    }
  };
  return (
    <details className="sub-tools">
      <summary data-testid="subtitle-tools">{t('tools')}</summary>
      <div className="sub-tools-body">
        <label>
          <span>{t('shiftBy')}</span>
          <input
            value={seconds}
            inputMode="decimal"
            size={6}
            onChange={(e) => setSeconds(e.target.value)}
            data-testid="subtitle-shift-seconds"
          />
        </label>
        <Button size="sm" onClick={shift} data-testid="subtitle-shift">
          {t('shift')}
        </Button>
        <Button size="sm" onClick={() => void edit(() => client().call('subtitles.enforce', { video: videoId, track: trackId }))}>
          {t('enforce')}
        </Button>
        <Button size="sm" onClick={() => void edit(() => client().call('subtitles.snap', { video: videoId, track: trackId }))}>
          {t('snap')}
        </Button>
        <Button size="sm" onClick={() => void edit(() => client().call('subtitles.fromSpeech', { video: videoId, track: trackId }))}>
          {t('fromSpeech')}
        </Button>
        <Button size="sm" onClick={() => void download('srt')} data-testid="subtitle-download-srt">
          SRT
        </Button>
        <Button size="sm" onClick={() => void download('vtt')}>
          WebVTT
        </Button>
        <label className="sub-tools-wide">
          <span>{t('muxTo')}</span>
          <input value={muxOut} onChange={(e) => setMuxOut(e.target.value)} data-testid="subtitle-mux-output" />
        </label>
        <Button size="sm" onClick={() => void mux()} data-testid="subtitle-mux">
          {t('mux')}
        </Button>
      </div>
    </details>
  );
}
