import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { VideoSummary } from '../../../../core/api/types.js';
import { formatBytes, formatDuration, formatFps } from '../../lib/format.js';
import { Thumbnail } from './Thumbnail.js';
import { useVideoActivity } from '../../state/store.js';
import { jobKindLabel } from '../jobs/JobsPanel.js';
import { formatPercent } from '../../lib/format.js';
import { VideoBadges } from './VideoBadges.js';
import { SelectBox, useSelectGestures } from './SelectBox.js';
import { useIsSelected } from './selection.js';

const MIN_CARD = 232;
const GAP = 16;
const TEXT_HEIGHT = 78;

function useWidth(ref: React.RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(el.clientWidth);
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  return width;
}

/** A running job on this video: a thin bar along the thumbnail's bottom edge. */
function CardActivity({ videoId }: { videoId: number }) {
  const activity = useVideoActivity(videoId);
  if (!activity) return null;
  const label = `${jobKindLabel(activity.kind)} ${formatPercent(activity.progress)}`;
  return (
    <div
      className="card-activity"
      title={label}
      role="progressbar"
      aria-label={label}
      aria-valuenow={Math.round(activity.progress * 100)}
      aria-valuemin={0}
      aria-valuemax={100}
    >
      <div className="card-activity-fill" style={{ width: `${Math.max(2, activity.progress * 100)}%` }} />
    </div>
  );
}

const VideoCard = memo(function VideoCard({ video }: { video: VideoSummary }) {
  const gestures = useSelectGestures(video.id);
  const selected = useIsSelected(video.id);
  return (
    <a
      className={selected ? 'card selected' : 'card'}
      href={`#/video/${video.id}`}
      data-testid="video-card"
      data-video-id={video.id}
      data-selected={selected}
      title={video.name}
      {...gestures}
    >
      <div className="card-thumb">
        <Thumbnail video={video} />
        <CardActivity videoId={video.id} />
        <span className="card-duration" data-testid="video-duration">
          {formatDuration(video.duration)}
        </span>
      </div>
      <div className="card-body">
        <div className="card-name" title={video.name} data-testid="video-name" data-allow-clip>
          {video.name}
        </div>
        <div className="card-meta">
          <span data-testid="video-resolution">
            {video.displayWidth}×{video.displayHeight}
          </span>
          <span className="dot" aria-hidden="true">
            ·
          </span>
          <span>{formatFps(video.fps)}</span>
          <span className="dot" aria-hidden="true">
            ·
          </span>
          <span data-testid="video-size">{formatBytes(video.size)}</span>
        </div>
        <VideoBadges video={video} />
      </div>
    </a>
  );
});

/** Virtualized grid: only the rows on screen exist in the DOM (10,000 videos stay fast). */
export function VideoGrid({ videos }: { videos: VideoSummary[] }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const width = useWidth(scrollRef);
  const inner = Math.max(0, width - 2 * GAP);
  const columns = Math.max(1, Math.floor((inner + GAP) / (MIN_CARD + GAP)));
  const cardWidth = (inner - (columns - 1) * GAP) / columns;
  const rowHeight = Math.round((cardWidth * 9) / 16 + TEXT_HEIGHT + GAP);
  const rows = Math.ceil(videos.length / columns);
  const virtualizer = useVirtualizer({
    count: rows,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 3,
  });
  useEffect(() => virtualizer.measure(), [rowHeight, virtualizer]);
  return (
    <div className="scroll-area" ref={scrollRef} data-testid="video-grid">
      <div className="grid-inner" style={{ height: virtualizer.getTotalSize() + GAP }} role="list">
        {virtualizer.getVirtualItems().map((row) => (
          <div
            key={row.key}
            className="grid-row"
            style={{
              transform: `translateY(${row.start + GAP}px)`,
              gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`,
              height: rowHeight - GAP,
            }}
          >
            {videos.slice(row.index * columns, row.index * columns + columns).map((v) => (
              <div role="listitem" key={v.id} className="grid-cell">
                <VideoCard video={v} />
                <SelectBox video={v} />
              </div>
            ))}
          </div>
        ))}
      </div>
    </div>
  );
}
