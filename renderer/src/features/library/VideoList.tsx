import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef } from 'react';
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
import { VideoBadges } from './VideoBadges.js';
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
          {virtualizer.getVirtualItems().map((item) => {
            const v = videos[item.index]!;
            return (
              <div role="listitem" key={v.id} className="list-item" style={{ transform: `translateY(${item.start}px)`, height: ROW }}>
                <SelectBox video={v} />
                <ListRow video={v} />
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

function ListRow({ video: v }: { video: VideoSummary }) {
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
      <VideoBadges video={v} />
    </a>
  );
}
