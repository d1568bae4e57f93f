import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, startTransition, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { VideoSummary } from '../../../../core/api/types.js';
import { formatBytes, formatDuration, formatFps } from '../../lib/format.js';
import { Thumbnail } from './Thumbnail.js';
import { useRunningActivities } from '../../state/store.js';
import { jobKindLabel } from '../jobs/JobsPanel.js';
import { formatPercent } from '../../lib/format.js';
import { VideoBadgeList, type LibraryT } from './VideoBadges.js';
import { useTranslation } from 'react-i18next';
import { SelectCheckbox, useSelectGestures } from './SelectBox.js';
import { useSelection } from './selection.js';

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
function CardActivity({ activity }: { activity: Activity | undefined }) {
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

type Activity = { progress: number; kind: string };

interface CardProps {
  video: VideoSummary;
  t: LibraryT;
  /** From the grid, which reads the selection and the running jobs once for all its cards (no hook per card). */
  selected: boolean;
  activity: Activity | undefined;
  /** Load the thumbnail at once (a row drawn ahead, while scrolling) or once this frame is on screen (a landing). */
  picturesNow: boolean;
}

function VideoCard({ video, t, selected, activity, picturesNow }: CardProps) {
  const gestures = useSelectGestures(video.id);
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
        <Thumbnail key={video.id} video={video} loadNow={picturesNow} />
        <CardActivity activity={activity} />
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
}

/**
 * One cell: the card and its checkbox. Memoized: a cell renders when it mounts, its video changes or the language
 * changes (`t`, asked for once by the grid). Cells are recycled (keyed by their column, rows by their slot): when a
 * cell is handed another video while focus is inside it, the focus is let go, as it was when the cell unmounted:
 * the keyboard never acts on a video the user did not focus.
 */
const GridCell = memo(
  function GridCell({ video, t, selected, activity, picturesNow }: CardProps) {
    const ref = useRef<HTMLDivElement>(null);
    const shown = useRef(video.id);
    useLayoutEffect(() => {
      if (shown.current === video.id) return;
      shown.current = video.id;
      const focused = document.activeElement;
      if (focused instanceof HTMLElement && ref.current?.contains(focused)) focused.blur();
    }, [video.id]);
    return (
      <div role="listitem" className="grid-cell" ref={ref}>
        <VideoCard video={video} t={t} selected={selected} activity={activity} picturesNow={picturesNow} />
        <SelectCheckbox video={video} t={t} selected={selected} />
      </div>
    );
  },
  // `picturesNow` only matters to a thumbnail as it mounts (a new video): it does not render the cell again.
  (a, b) =>
    a.video === b.video &&
    a.t === b.t &&
    a.selected === b.selected &&
    a.activity?.progress === b.activity?.progress &&
    a.activity?.kind === b.activity?.kind,
);

interface RowProps {
  videos: VideoSummary[];
  selected: ReadonlySet<number>;
  activities: ReadonlyMap<number, Activity>;
  index: number;
  columns: number;
  rowHeight: number;
  t: LibraryT;
  picturesNow: boolean;
}

/**
 * One row, placed from its index (every row has the same height); its cells are keyed by column. Like its cells,
 * it does not render again for `picturesNow` alone (it only matters to the thumbnails that mount).
 */
const GridRow = memo(function GridRow({ videos, selected, activities, index, columns, rowHeight, t, picturesNow }: RowProps) {
  return (
    <div
      className="grid-row"
      style={{
        transform: `translateY(${index * rowHeight + GAP}px)`,
        gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`,
        height: rowHeight - GAP,
      }}
    >
      {videos.slice(index * columns, index * columns + columns).map((v, column) => (
        <GridCell key={column} video={v} t={t} selected={selected.has(v.id)} activity={activities.get(v.id)} picturesNow={picturesNow} />
      ))}
    </div>
  );
}, samePropsButPictures);

function samePropsButPictures(a: RowProps, b: RowProps): boolean {
  return (
    a.videos === b.videos &&
    a.selected === b.selected &&
    a.activities === b.activities &&
    a.index === b.index &&
    a.columns === b.columns &&
    a.rowHeight === b.rowHeight &&
    a.t === b.t
  );
}

/**
 * The rows to draw, each with its slot (its React key). Row `i` is drawn in slot `i % slots`, so a row that stays
 * in the window keeps its DOM, and a row that enters takes over the DOM of the one that left (React updates the
 * cards' text and attributes instead of unmounting and mounting every card: on a far jump that was about half of
 * the renderer's CPU). `target` must be drawn now; slots it leaves free keep their row from `kept` (the window
 * drawn before, off screen after a jump) so the rows that follow later can take their DOM over too.
 */
export function rowSlots(
  target: readonly [number, number],
  kept: readonly [number, number],
  slots: number,
): Array<{ slot: number; index: number }> {
  const bySlot = new Map<number, number>();
  for (let index = kept[0]; index <= kept[1]; index++) bySlot.set(index % slots, index);
  for (let index = target[0]; index <= target[1]; index++) bySlot.set(index % slots, index);
  // In slot order: the rows' DOM order never changes, so React never moves a row.
  return [...bySlot].sort(([a], [b]) => a - b).map(([slot, index]) => ({ slot, index }));
}

/**
 * The window of rows `[first, last]` as it was once the frame that showed its last change is on screen: it
 * follows two animation frames later (the next frame has begun, so the one before was painted and handed to the
 * compositor), in a transition (time-sliced). One update is pending at a time and takes the latest window, so a
 * window that changes every frame (scrolling) is still followed, a little behind.
 */
export function useWindowAfterLanding(first: number, last: number): readonly [number, number] {
  const [shown, setShown] = useState<readonly [number, number]>([first, last]);
  const latest = useRef<readonly [number, number]>([first, last]);
  latest.current = [first, last];
  const pending = useRef(false);
  useEffect(() => {
    if ((shown[0] === first && shown[1] === last) || pending.current) return;
    pending.current = true;
    requestAnimationFrame(() =>
      requestAnimationFrame(() =>
        setTimeout(() => {
          pending.current = false;
          startTransition(() => setShown(latest.current));
        }),
      ),
    );
  }, [first, last, shown]);
  return shown;
}

/** Virtualized grid: only the rows on screen exist in the DOM (10,000 videos stay fast). */
export function VideoGrid({ videos }: { videos: VideoSummary[] }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const { t } = useTranslation('library');
  const selected = useSelection((s) => s.ids);
  const activities = useRunningActivities();
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
  // While scrolling, the overscan rows are already there when a row comes into view: draw the next ones in a
  // later (time-sliced) render between frames instead of inside the scroll event's frame. Only when a row that
  // must be on screen now is missing (a jump, a resize, new videos) render at once, and then only the rows on
  // screen: the overscan around them follows once that frame is on screen (it would otherwise compete with the
  // landing frame's paint and raster for the CPU).
  const [deferredFirst, lastAfterLanding] = useWindowAfterLanding(first, last);
  const deferredLast = Math.min(lastAfterLanding, rows - 1);
  const visible = virtualizer.range;
  const covered = !visible || (deferredFirst <= visible.startIndex && deferredLast >= visible.endIndex);
  const target: [number, number] = covered ? [deferredFirst, deferredLast] : [visible.startIndex, Math.min(visible.endIndex, rows - 1)];
  const kept: [number, number] = covered ? [0, -1] : [deferredFirst, deferredLast];
  // Enough slots for any window: the count only grows (a new count would re-key, so remount, every row).
  const slots = useRef(1);
  slots.current = Math.max(slots.current, last - first + 1, deferredLast - deferredFirst + 1, target[1] - target[0] + 1);
  return (
    <div className="scroll-area" ref={scrollRef} data-testid="video-grid">
      <div className="grid-inner" style={{ height: virtualizer.getTotalSize() + GAP }} role="list">
        {rowSlots(target, kept, slots.current).map(({ slot, index }) => (
          <GridRow
            key={slot}
            videos={videos}
            selected={selected}
            activities={activities}
            index={index}
            columns={columns}
            rowHeight={rowHeight}
            t={t}
            picturesNow={covered}
          />
        ))}
      </div>
    </div>
  );
}
