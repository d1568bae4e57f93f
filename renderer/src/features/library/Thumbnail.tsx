import { useEffect, useState } from 'react';
import type { VideoSummary } from '../../../../core/api/types.js';
import { Icon } from '../../components/Icon.js';
import { client } from '../../state/client.js';
import { useTranslation } from 'react-i18next';

/** The placeholder when a video has no thumbnail (or it failed to load). */
function EmptyThumbnail({ className }: { className?: string }) {
  const { t } = useTranslation('library');
  return (
    <div className={`thumb thumb-empty ${className ?? ''}`} aria-label={t('noThumbnail')}>
      <Icon name="film" size={22} />
    </div>
  );
}

/** Thumbnails mounted since the last flush: they ask for their pictures together, once that frame is on screen. */
const waiting = new Set<() => void>();
let flushPlanned = false;

/**
 * Calls `load` once the frame that mounted the thumbnail is on screen (two animation frames later, as the grid's
 * overscan rows), together with every thumbnail mounted meanwhile (one render for all of them). Returns a cancel.
 *
 * Why: a far jump mounts two dozen thumbnails at once. Asked for at once, their requests (the bridge's and the
 * browser's work for each), answers and decodes ran inside the jump's two frames: Chromium without GPU raster
 * decodes a picture inside the raster of the frame that first shows it (`decoding="async"` does not change that)
 * and the frame waits for it. Traced, the jumps whose thumbnails came back in time were the slow ones (137–462 ms
 * against 30–51; docs/benchmarks.md, feat/jump3). The cards' text and frames come first; their pictures follow.
 */
export function afterLandingFrame(load: () => void): () => void {
  waiting.add(load);
  if (!flushPlanned) {
    flushPlanned = true;
    requestAnimationFrame(() =>
      requestAnimationFrame(() =>
        setTimeout(() => {
          flushPlanned = false;
          const loads = [...waiting];
          waiting.clear();
          for (const l of loads) l();
        }),
      ),
    );
  }
  return () => void waiting.delete(load);
}

/**
 * A video's thumbnail. Mounted for every card that scrolls into the grid, so it stays light: no translation
 * hook unless the placeholder shows, and no lazy loading (the grid only mounts cards near the viewport, where
 * a lazy image would load at once anyway, one layout later). Unless `loadNow` is set as it mounts (a row the
 * grid draws ahead while scrolling, the list), its picture is asked for once the frame that mounted it is on
 * screen (`afterLandingFrame`); until then the card shows its empty frame, as while loading.
 */
export function Thumbnail({ video, className, loadNow = true }: { video: VideoSummary; className?: string; loadNow?: boolean }) {
  const [broken, setBroken] = useState(false);
  const [load, setLoad] = useState(loadNow);
  useEffect(() => (load ? undefined : afterLandingFrame(() => setLoad(true))), [load]);
  if (video.thumbnailArtifactId === null || broken) return <EmptyThumbnail className={className} />;
  if (!load) return <div className={`thumb thumb-pending ${className ?? ''}`} aria-hidden="true" />;
  return (
    <img
      className={`thumb ${className ?? ''}`}
      src={client().mediaUrl({ kind: 'artifact', id: video.thumbnailArtifactId })}
      alt=""
      decoding="async"
      draggable={false}
      onError={() => setBroken(true)}
    />
  );
}
