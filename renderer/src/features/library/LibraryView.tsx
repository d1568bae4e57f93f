import { useDeferredValue, useEffect, useMemo, useState, type KeyboardEvent } from 'react';
import { client } from '../../state/client.js';
import { useShallow } from 'zustand/react/shallow';
import { Button, EmptyState, IconButton, Spinner } from '../../components/ui.js';
import { Icon } from '../../components/Icon.js';
import { setUi, useApp, type LibraryFilter, type LibrarySort } from '../../state/store.js';
import { useTranslation } from 'react-i18next';
import { FailedImports } from './FailedImports.js';
import { selectVideos } from './selectors.js';
import { VideoGrid } from './VideoGrid.js';
import { VideoList } from './VideoList.js';
import { BatchAction } from '../media/BatchAction.js';
import { ShownOrder } from './SelectBox.js';
import { SelectionBar } from './SelectionBar.js';
import { clearSelection, selectAll, useSelection } from './selection.js';
import './library.css';

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
  const patientHits = usePatientSearch(deferredSearch);
  const shown = useMemo(
    () => selectVideos(videos, { search: deferredSearch, filter, sort, order, alsoIds: patientHits }),
    [videos, deferredSearch, filter, sort, order, patientHits],
  );
  const { t } = useTranslation('library');
  const { t: tc } = useTranslation();
  const shownIds = useMemo(() => shown.map((v) => v.id), [shown]);
  const chosen = useSelection((s) => s.ids);
  // Actions reach only what is selected AND shown: a filter never lets a batch touch videos out of sight.
  const selected = useMemo(() => shown.filter((v) => chosen.has(v.id)), [shown, chosen]);
  const allShownSelected = shown.length > 0 && selected.length === shown.length;
  const onKeys = (e: KeyboardEvent) => {
    const target = e.target as HTMLElement;
    if (target.closest('input, select, textarea, [role=dialog]')) return;
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'a') {
      e.preventDefault();
      selectAll(shownIds);
    } else if (e.key === 'Escape' && chosen.size) {
      e.preventDefault();
      clearSelection();
    }
  };

  let content;
  if (!loaded)
    content = (
      <div className="center-fill">
        <Spinner label={tc('connection.connecting')} />
      </div>
    );
  else if (loadError)
    content = (
      <div className="alert alert-danger" role="alert">
        {t('loadFailed', { reason: loadError })}
      </div>
    );
  else if (videos.size === 0)
    content = (
      <EmptyState
        icon="film"
        title={t('emptyTitle')}
        body={t('emptyBody')}
        action={
          <Button variant="primary" icon="upload" onClick={() => setUi({ importOpen: true })}>
            {t('emptyAction')}
          </Button>
        }
      />
    );
  else if (shown.length === 0)
    content = (
      <EmptyState
        icon="search"
        title={t('noMatchTitle')}
        body={t('noMatchBody')}
        action={<Button onClick={() => setUi({ search: '', filter: 'all' })}>{t('clearFilters')}</Button>}
      />
    );
  else content = view === 'grid' ? <VideoGrid videos={shown} /> : <VideoList videos={shown} />;

  return (
    <main className="library" aria-label={t('title')}>
      <div className="toolbar">
        <div className="toolbar-title">
          <h1>{t('title')}</h1>
          <span className="muted" data-testid="library-count">
            {shown.length === Math.max(total, videos.size)
              ? t('count', { count: shown.length })
              : t('countFiltered', { shown: shown.length, total: Math.max(total, videos.size) })}
          </span>
        </div>
        <div className="toolbar-controls">
          <label className="search-field">
            <Icon name="search" size={15} />
            <input
              type="search"
              value={search}
              placeholder={t('searchPlaceholder')}
              aria-label={t('searchLabel')}
              onChange={(e) => setUi({ search: e.target.value })}
              data-testid="library-search"
            />
          </label>
          <select
            aria-label={t('filterLabel')}
            value={filter}
            onChange={(e) => setUi({ filter: e.target.value as LibraryFilter })}
            data-testid="library-filter"
          >
            {filters.map((f) => (
              <option key={f} value={f}>
                {t(`filters.${f}`)}
              </option>
            ))}
          </select>
          <select
            aria-label={t('sortLabel')}
            value={sort}
            onChange={(e) => setUi({ sort: e.target.value as LibrarySort })}
            data-testid="library-sort"
          >
            {sorts.map((s) => (
              <option key={s} value={s}>
                {t(`sorts.${s}`)}
              </option>
            ))}
          </select>
          <IconButton
            icon={order === 'asc' ? 'sortAsc' : 'sortDesc'}
            label={order === 'asc' ? t('orderAsc') : t('orderDesc')}
            onClick={() => setUi({ order: order === 'asc' ? 'desc' : 'asc' })}
          />
          <label className="checkbox select-all">
            <input
              type="checkbox"
              checked={allShownSelected}
              ref={(el) => {
                if (el) el.indeterminate = selected.length > 0 && !allShownSelected;
              }}
              disabled={!shown.length}
              onChange={() => (allShownSelected ? clearSelection() : selectAll(shownIds))}
              data-testid="select-all-shown"
            />
            <span>{t('selection.allShort')}</span>
          </label>
          <BatchAction videos={selected.length ? selected : shown} scope={selected.length ? 'selected' : 'shown'} />
          <div className="segmented" role="group">
            <IconButton icon="grid" label={t('viewGrid')} aria-pressed={view === 'grid'} onClick={() => setUi({ view: 'grid' })} />
            <IconButton icon="list" label={t('viewList')} aria-pressed={view === 'list'} onClick={() => setUi({ view: 'list' })} />
          </div>
        </div>
      </div>
      <FailedImports />
      <SelectionBar selected={selected} shown={shown} />
      <div className="library-content" onKeyDown={onKeys}>
        <ShownOrder.Provider value={shownIds}>{content}</ShownOrder.Provider>
      </div>
    </main>
  );
}

/** Videos whose case number or exam date match (searched in the core, where the values are decrypted). */
function usePatientSearch(search: string): ReadonlySet<number> {
  const [hits, setHits] = useState<{ query: string; ids: ReadonlySet<number> }>({ query: '', ids: new Set() });
  const q = search.trim();
  useEffect(() => {
    if (q.length < 2) return;
    let live = true;
    const timer = setTimeout(() => {
      client()
        .call('videos.search', { query: q })
        .then((r) => live && setHits({ query: q, ids: new Set(r.videoIds) }))
        .catch(() => undefined);
    }, 200);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [q]);
  return hits.query === q ? hits.ids : EMPTY;
}
const EMPTY: ReadonlySet<number> = new Set();
