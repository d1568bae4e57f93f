import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SimilarClip } from '../../../../core/api/types.js';
import { Button } from '../../components/ui.js';
import { client } from '../../state/client.js';
import { notify } from '../../state/store.js';
import { errorMessage } from '../../transport/types.js';
import type { VideoPanelProps } from '../video/panel-types.js';
import { usePlayer } from '../video/player.js';
import { loadDuplicates, useDuplicates, watchDuplicates } from './duplicatesStore.js';
import './locales/types.js';

const SCOPES = ['all', 'same', 'other'] as const;

function VideoThumb({ videoId }: { videoId: number }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    void client()
      .call('videos.get', { video: videoId })
      .then((v) => setSrc(v.thumbnailArtifactId === null ? null : client().mediaUrl({ kind: 'artifact', id: v.thumbnailArtifactId })))
      .catch(() => setSrc(null));
  }, [videoId]);
  return src ? <img src={src} alt="" className="similar-thumb" data-testid={`compare-thumb-${videoId}`} /> : null;
}

/** Near-duplicate flags of this video (keep both / link / remove, side-by-side compare). */
function Duplicates({ videoId }: { videoId: number }) {
  const { t } = useTranslation('similar');
  useEffect(() => watchDuplicates(), []);
  const all = useDuplicates((s) => s.pairs);
  const pairs = all.filter((p) => p.videoId === videoId || p.otherId === videoId);
  const [compare, setCompare] = useState<number | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const decide = async (other: number, decision: 'keep' | 'link' | 'remove') => {
    try {
      await client().call('similar.decide', { video: videoId, other, decision });
      setDone(decision === 'remove' ? t('duplicates.removed') : decision === 'link' ? t('duplicates.linked') : null);
      await loadDuplicates();
    } catch (err) {
      notify(errorMessage(err));
    }
  };
  return (
    <div data-testid="similar-duplicates">
      {done && <p data-testid="duplicate-decided">{done}</p>}
      {pairs.map((p) => {
        const other = p.videoId === videoId ? p.otherId : p.videoId;
        return (
          <div key={other} className="similar-duplicate" data-testid={`duplicate-of-${other}`}>
            <p>{t('duplicates.looksLike', { id: other, score: Math.round(p.score * 100) })}</p>
            <Button size="sm" onClick={() => setCompare(compare === other ? null : other)} data-testid="duplicate-compare">
              {t('duplicates.compare')}
            </Button>
            <Button size="sm" onClick={() => void decide(other, 'keep')} data-testid="duplicate-keep">
              {t('duplicates.keep')}
            </Button>
            <Button size="sm" onClick={() => void decide(other, 'link')} data-testid="duplicate-link">
              {t('duplicates.link')}
            </Button>
            <Button size="sm" onClick={() => void decide(other, 'remove')} data-testid="duplicate-remove">
              {t('duplicates.remove')}
            </Button>
            {compare === other && (
              <div className="similar-compare" data-testid="duplicate-side-by-side" style={{ display: 'flex', gap: 8 }}>
                <VideoThumb videoId={videoId} />
                <VideoThumb videoId={other} />
              </div>
            )}
          </div>
        );
      })}
    </div>
  );
}

/** The Similar panel: near-duplicate flags, and "find similar" for a clip with a threshold and filters. */
export function SimilarPanel({ video }: VideoPanelProps) {
  const { t } = useTranslation('similar');
  const [clip, setClip] = useState(1);
  const [threshold, setThreshold] = useState(0.5);
  const [scope, setScope] = useState<(typeof SCOPES)[number]>('all');
  const [results, setResults] = useState<SimilarClip[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [models, setModels] = useState<string[]>([]);
  const [model, setModel] = useState('');
  const [label, setLabel] = useState('');
  useEffect(() => {
    void client()
      .call('similar.models', {})
      .then((m) => setModels(m.map((x) => x.name)))
      .catch(() => setModels([]));
  }, []);
  /** By the clip number, or by the picture the player shows now (that frame alone). */
  const find = async (by: 'clip' | 'frame') => {
    setBusy(true);
    try {
      const r = await client().call('similar.search', {
        video: video.id,
        ...(by === 'clip' ? { clip } : { time: usePlayer.getState().currentTime }),
        threshold,
        scope,
        top: 10,
        ...(model ? { model } : {}),
        ...(label.trim() ? { label: label.trim() } : {}),
      });
      setResults(r.results);
    } catch (err) {
      notify(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-label={t('title')} data-testid="similar-panel">
      <h3>{t('title')}</h3>
      <Duplicates videoId={video.id} />
      <label>
        {t('search.clip')}{' '}
        <input
          type="number"
          min={1}
          value={clip}
          onChange={(e) => setClip(Math.max(1, Number(e.target.value) || 1))}
          data-testid="similar-clip"
        />
      </label>
      <label>
        {t('search.threshold', { value: threshold.toFixed(2) })}{' '}
        <input
          type="range"
          min={-1}
          max={1}
          step={0.05}
          value={threshold}
          onChange={(e) => setThreshold(Number(e.target.value))}
          data-testid="similar-threshold"
        />
      </label>
      <label>
        {t('search.scope')}{' '}
        <select value={scope} onChange={(e) => setScope(e.target.value as (typeof SCOPES)[number])} data-testid="similar-scope">
          {SCOPES.map((s) => (
            <option key={s} value={s}>
              {t(`search.scopes.${s}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('search.label')} <input value={label} onChange={(e) => setLabel(e.target.value)} data-testid="similar-label" />
      </label>
      <label>
        {t('search.by')}{' '}
        <select value={model} onChange={(e) => setModel(e.target.value)} data-testid="similar-model">
          <option value="">{t('search.fingerprint')}</option>
          {models.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
      </label>
      <Button size="sm" onClick={() => void find('clip')} disabled={busy} data-testid="similar-run">
        {t('search.run')}
      </Button>
      <Button size="sm" onClick={() => void find('frame')} disabled={busy} data-testid="similar-run-frame">
        {t('search.runFrame')}
      </Button>
      {results && (
        <ol data-testid="similar-results">
          {results.length === 0 && <li>{t('search.none')}</li>}
          {results.map((r) => (
            <li key={r.clipId} data-testid="similar-result" data-video={r.videoId} data-clip={r.n} data-similarity={r.similarity}>
              {t('search.result', { id: r.videoId, name: r.videoName, n: r.n, similarity: r.similarity.toFixed(2) })}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
