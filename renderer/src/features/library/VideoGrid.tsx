import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useDeferredValue, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { VideoSummary } from '../../../../core/api/types.js';
import { formatBytes, formatDuration, formatFps } from '../../lib/format.js';
import { Thumbnail } from './Thumbnail.js';
import { useVideoActivity } from '../../state/store.js';
import { jobKindLabel } from '../jobs/JobsPanel.js';
import { formatPercent } from '../../lib/format.js';
import { VideoBadgeList, type LibraryT } from './VideoBadges.js';
import { useTranslation } from 'react-i18next';
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

const VideoCard = memo(function VideoCard({ video, t }: { video: VideoSummary; t: LibraryT }) {
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
        <VideoBadgeList video={video} t={t} />
      </div>
    </a>
  );
});

/**
 * One cell: the card and its checkbox. Memoized: a cell renders when it mounts, its video changes or the language
 * changes (`t`, asked for once by the grid).
 */
const GridCell = memo(function GridCell({ video, t }: { video: VideoSummary; t: LibraryT }) {
  return (
    <div role="listitem" className="grid-cell">
      <VideoCard video={video} t={t} />
      <SelectBox video={video} t={t} />
    </div>
  );
});

interface RowsProps {
  videos: VideoSummary[];
  /** First and last row in the window (overscan included). */
  first: number;
  last: number;
  columns: number;
  rowHeight: number;
  t: LibraryT;
}

/**
 * The rows of the window. Row positions follow from the index alone (every row has the same height), so the
 * rows only render again when the window moves by a row, not on every scroll event: the virtualizer re-renders
 * the grid (synchronously) on each of them.
 */
const GridRows = memo(function GridRows({ videos, first, last, columns, rowHeight, t }: RowsProps) {
  const rows: React.ReactNode[] = [];
  for (let index = first; index <= last; index++) {
    rows.push(
      <div
        key={index}
        className="grid-row"
        style={{
          transform: `translateY(${index * rowHeight + GAP}px)`,
          gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`,
          height: rowHeight - GAP,
        }}
      >
        {videos.slice(index * columns, index * columns + columns).map((v) => (
          <GridCell key={v.id} video={v} t={t} />
        ))}
      </div>,
    );
  }
  return rows;
});

/** Virtualized grid: only the rows on screen exist in the DOM (10,000 videos stay fast). */
export function VideoGrid({ videos }: { videos: VideoSummary[] }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const { t } = useTranslation('library');
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
    // Re-render only when the window of rows changes (or scrolling starts/stops), not on every scroll event:
    // rows are placed from their index (GridRows), so nothing else depends on the scroll offset.
    directDomUpdates: true,
  });
  useEffect(() => virtualizer.measure(), [rowHeight, virtualizer]);
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items.at(-1)?.index ?? -1;
  // While scrolling, the overscan rows are already there when a row comes into view: mount the next ones in a
  // deferred (time-sliced) render between frames instead of inside the scroll event's frame. Only when a row
  // that must be on screen now is missing (a jump, a resize, new videos) render at once, and then only the rows
  // on screen: the overscan around them follows in the deferred render.
  const deferredFirst = useDeferredValue(first);
  const deferredLast = useDeferredValue(last);
  const visible = virtualizer.range;
  const covered = !visible || (deferredFirst <= visible.startIndex && deferredLast >= visible.endIndex && deferredLast < rows);
  const [from, to] = covered ? [deferredFirst, deferredLast] : [visible.startIndex, Math.min(visible.endIndex, rows - 1)];
  return (
    <div className="scroll-area" ref={scrollRef} data-testid="video-grid">
      <div className="grid-inner" style={{ height: virtualizer.getTotalSize() + GAP }} role="list">
        {to >= from && <GridRows videos={videos} first={from} last={to} columns={columns} rowHeight={rowHeight} t={t} />}
      </div>
    </div>
  );
}
