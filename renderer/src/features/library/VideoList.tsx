import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useRef } from 'react';
import type { VideoSummary } from '../../../../core/api/types.js';
import { formatBytes, formatDuration, formatFps } from '../../lib/format.js';
import { useTranslation } from 'react-i18next';
import { setUi, useApp, type LibrarySort } from '../../state/store.js';

/** A column header that sorts the library by that column (again: reverses the order). */
function SortHeader({ column, label, numeric }: { column: LibrarySort; label: string; numeric?: boolean }) {
  const { t } = useTranslation('library');
  const sort = useApp((s) => s.sort);
  const order = useApp((s) => s.order);
  const active = sort === column;
  return (
    <button
      type="button"
      className={`sort-head ${numeric ? 'num' : ''} ${active ? 'sort-active' : ''}`}
      aria-label={t('sortBy', { column: label })}
      aria-pressed={active}
      onClick={() =>
        setUi(active ? { order: order === 'asc' ? 'desc' : 'asc' } : { sort: column, order: column === 'name' ? 'asc' : 'desc' })
      }
    >
      {label}
      {active && <span aria-hidden="true">{order === 'asc' ? ' ↑' : ' ↓'}</span>}
    </button>
  );
}
import { Thumbnail } from './Thumbnail.js';
import { VideoBadgeList, type LibraryT } from './VideoBadges.js';
import { SelectBox, useSelectGestures } from './SelectBox.js';
import { useIsSelected } from './selection.js';

const ROW = 60;

/** Virtualized list with columns. */
export function VideoList({ videos }: { videos: VideoSummary[] }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: videos.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW,
    overscan: 8,
    // Re-render only when the window of rows changes, not on every scroll event (rows sit at index × ROW).
    directDomUpdates: true,
  });
  const { t } = useTranslation('library');
  return (
    <div className="list-wrap">
      <div className="list-head">
        <span />
        <SortHeader column="name" label={t('columns.name')} />
        <SortHeader column="duration" label={t('columns.duration')} numeric />
        <span>{t('columns.resolution')}</span>
        <span className="num">{t('columns.fps')}</span>
        <SortHeader column="size" label={t('columns.size')} numeric />
        <span>{t('columns.state')}</span>
      </div>
      <div className="scroll-area" ref={scrollRef} data-testid="video-list">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }} role="list">
          {virtualizer.getVirtualItems().map((item) => (
            <ListItem key={videos[item.index]!.id} video={videos[item.index]!} top={item.index * ROW} t={t} />
          ))}
        </div>
      </div>
    </div>
  );
}

/** One row and its checkbox; memoized, so scrolling renders only the rows that come into the window. */
const ListItem = memo(function ListItem({ video, top, t }: { video: VideoSummary; top: number; t: LibraryT }) {
  return (
    <div role="listitem" className="list-item" style={{ transform: `translateY(${top}px)`, height: ROW }}>
      <SelectBox video={video} t={t} />
      <ListRow video={video} t={t} />
    </div>
  );
});

function ListRow({ video: v, t }: { video: VideoSummary; t: LibraryT }) {
  const gestures = useSelectGestures(v.id);
  const selected = useIsSelected(v.id);
  return (
    <a
      href={`#/video/${v.id}`}
      className={selected ? 'list-row selected' : 'list-row'}
      data-testid="video-row"
      data-video-id={v.id}
      data-selected={selected}
      {...gestures}
    >
      <Thumbnail video={v} className="thumb-small" />
      <span className="list-name" title={v.originalPath} data-testid="video-name" data-allow-clip>
        {v.name}
      </span>
      <span className="num">{formatDuration(v.duration)}</span>
      <span>
        {v.displayWidth}×{v.displayHeight}
      </span>
      <span className="num">{formatFps(v.fps)}</span>
      <span className="num">{formatBytes(v.size)}</span>
      <VideoBadgeList video={v} t={t} />
    </a>
  );
}
