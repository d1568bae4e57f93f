import { useDeferredValue, useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Button, EmptyState, IconButton, Spinner } from '../../components/ui.js';
import { Icon } from '../../components/Icon.js';
import { setUi, useApp, type LibraryFilter, type LibrarySort } from '../../state/store.js';
import { strings } from '../../strings.js';
import { FailedImports } from './FailedImports.js';
import { selectVideos } from './selectors.js';
import { VideoGrid } from './VideoGrid.js';
import { VideoList } from './VideoList.js';
import { BatchAction } from '../media/BatchAction.js';

const filters: LibraryFilter[] = ['all', 'imported', 'processing', 'reviewed', 'anonymized', 'failed', 'missing'];
const sorts: LibrarySort[] = ['imported', 'name', 'duration', 'size'];

export function LibraryView() {
  const { videos, total, loaded, loadError, search, filter, sort, order, view } = useApp(
    useShallow((s) => ({
      videos: s.videos,
      total: s.total,
      loaded: s.loaded,
      loadError: s.loadError,
      search: s.search,
      filter: s.filter,
      sort: s.sort,
      order: s.order,
      view: s.view,
    })),
  );
  const deferredSearch = useDeferredValue(search);
  const shown = useMemo(
    () => selectVideos(videos, { search: deferredSearch, filter, sort, order }),
    [videos, deferredSearch, filter, sort, order],
  );
  const L = strings.library;

  let content;
  if (!loaded)
    content = (
      <div className="center-fill">
        <Spinner label={strings.connection.connecting} />
      </div>
    );
  else if (loadError)
    content = (
      <div className="alert alert-danger" role="alert">
        {L.loadFailed(loadError)}
      </div>
    );
  else if (videos.size === 0)
    content = (
      <EmptyState
        icon="film"
        title={L.emptyTitle}
        body={L.emptyBody}
        action={
          <Button variant="primary" icon="upload" onClick={() => setUi({ importOpen: true })}>
            {L.emptyAction}
          </Button>
        }
      />
    );
  else if (shown.length === 0)
    content = (
      <EmptyState
        icon="search"
        title={L.noMatchTitle}
        body={L.noMatchBody}
        action={<Button onClick={() => setUi({ search: '', filter: 'all' })}>{L.clearFilters}</Button>}
      />
    );
  else content = view === 'grid' ? <VideoGrid videos={shown} /> : <VideoList videos={shown} />;

  return (
    <main className="library" aria-label={L.title}>
      <div className="toolbar">
        <div className="toolbar-title">
          <h1>{L.title}</h1>
          <span className="muted" data-testid="library-count">
            {L.count(shown.length, Math.max(total, videos.size))}
          </span>
        </div>
        <div className="toolbar-controls">
          <label className="search-field">
            <Icon name="search" size={15} />
            <input
              type="search"
              value={search}
              placeholder={L.searchPlaceholder}
              aria-label={L.searchLabel}
              onChange={(e) => setUi({ search: e.target.value })}
              data-testid="library-search"
            />
          </label>
          <select
            aria-label={L.filterLabel}
            value={filter}
            onChange={(e) => setUi({ filter: e.target.value as LibraryFilter })}
            data-testid="library-filter"
          >
            {filters.map((f) => (
              <option key={f} value={f}>
                {L.filters[f]}
              </option>
            ))}
          </select>
          <select
            aria-label={L.sortLabel}
            value={sort}
            onChange={(e) => setUi({ sort: e.target.value as LibrarySort })}
            data-testid="library-sort"
          >
            {sorts.map((s) => (
              <option key={s} value={s}>
                {L.sorts[s]}
              </option>
            ))}
          </select>
          <IconButton
            icon={order === 'asc' ? 'sortAsc' : 'sortDesc'}
            label={order === 'asc' ? L.orderAsc : L.orderDesc}
            onClick={() => setUi({ order: order === 'asc' ? 'desc' : 'asc' })}
          />
          <BatchAction videos={shown} />
          <div className="segmented" role="group">
            <IconButton icon="grid" label={L.viewGrid} aria-pressed={view === 'grid'} onClick={() => setUi({ view: 'grid' })} />
            <IconButton icon="list" label={L.viewList} aria-pressed={view === 'list'} onClick={() => setUi({ view: 'list' })} />
          </div>
        </div>
      </div>
      <FailedImports />
      <div className="library-content">{content}</div>
    </main>
  );
}
