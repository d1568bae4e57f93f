import { create } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { useMemo } from 'react';
import type { CoreEvent, FailedImport, JobSummary, VideoSummary } from '../../../core/api/types.js';
import type { ConnectionState } from '../transport/types.js';
import { errorMessage } from '../transport/types.js';
import { client } from './client.js';
import { i18n } from '../i18n/index.js';
import { errorText } from '../i18n/errors.js';

export type LibraryFilter = 'all' | 'imported' | 'processing' | 'reviewed' | 'anonymized' | 'failed' | 'missing';
export type LibrarySort = 'imported' | 'name' | 'duration' | 'size';
export type ViewMode = 'grid' | 'list';

export type ImportPhase = 'uploading' | 'queued' | 'running' | 'imported' | 'duplicate' | 'relinked' | 'failed' | 'cancelled';

/** One file of this session's imports, followed until it is in the library or failed with its reason. */
export interface ImportItem {
  key: string;
  name: string;
  path: string | null;
  jobId: number | null;
  phase: ImportPhase;
  progress: number;
  error: string | null;
  videoId: number | null;
}

export interface AppState {
  connection: ConnectionState;
  loaded: boolean;
  loadError: string | null;
  videos: Map<number, VideoSummary>;
  /** Videos in the library (the map may still hold only the first page while the rest loads). */
  total: number;
  failedImports: FailedImport[];
  jobs: Map<number, JobSummary>;
  imports: ImportItem[];
  /** Non-fatal errors to show as toasts (each names the file and reason). */
  notices: Array<{ id: number; text: string; tone: 'error' | 'info' }>;
  // UI state (kept here so it survives navigation; the data itself always comes from the core)
  search: string;
  filter: LibraryFilter;
  sort: LibrarySort;
  order: 'asc' | 'desc';
  view: ViewMode;
  importOpen: boolean;
  jobsOpen: boolean;
  /** Copy imported files into the library folder (null until read from the library's setting). */
  importCopy: boolean | null;
}

/** A UI choice kept in this browser profile (sort, order, view), if it is still a valid value. */
function remembered(key: string, allowed: string[]): string | null {
  const v = localStorage.getItem(key);
  return v !== null && allowed.includes(v) ? v : null;
}

export const useApp = create<AppState>(() => ({
  connection: 'connecting',
  loaded: false,
  loadError: null,
  videos: new Map(),
  total: 0,
  failedImports: [],
  jobs: new Map(),
  imports: [],
  notices: [],
  search: '',
  filter: 'all',
  sort: (remembered('framewise.sort', ['imported', 'name', 'duration', 'size']) as LibrarySort | null) ?? 'imported',
  order: (remembered('framewise.order', ['asc', 'desc']) as 'asc' | 'desc' | null) ?? 'desc',
  view: (localStorage.getItem('framewise.view') as ViewMode | null) ?? 'grid',
  importOpen: false,
  jobsOpen: false,
  importCopy: null,
}));

const set = useApp.setState;
const get = useApp.getState;

let noticeId = 1;
/** A toast: an error (default, stays until dismissed) or a confirmation ('info', goes away by itself). */
export function notify(text: string, tone: 'error' | 'info' = 'error'): void {
  const id = noticeId++;
  set((s) => ({ notices: [...s.notices, { id, text, tone }] }));
  if (tone === 'info') setTimeout(() => dismissNotice(id), 6000);
}
export function dismissNotice(id: number): void {
  set((s) => ({ notices: s.notices.filter((n) => n.id !== id) }));
}

export function setUi(
  patch: Partial<Pick<AppState, 'search' | 'filter' | 'sort' | 'order' | 'view' | 'importOpen' | 'jobsOpen' | 'importCopy'>>,
): void {
  if (patch.view) localStorage.setItem('framewise.view', patch.view);
  if (patch.sort) localStorage.setItem('framewise.sort', patch.sort);
  if (patch.order) localStorage.setItem('framewise.order', patch.order);
  set(patch);
}

const JOB_LIMIT = 300;

/** Videos shown before the whole library has arrived (one screen and a bit, newest first). */
const FIRST_PAGE = 240;

/**
 * Load everything from the core (at start and after a reconnect: the core is the only source of truth).
 * A first small page paints at once; the whole library (for in-memory search, filter and sort) follows.
 */
export async function loadAll(): Promise<void> {
  try {
    const jobsPromise = client().call('jobs.list', { limit: JOB_LIMIT });
    const first = await client().call('videos.list', { limit: FIRST_PAGE, sort: 'imported', order: 'desc' });
    if (!get().loaded || get().loadError) {
      set({
        videos: new Map(first.videos.map((v) => [v.id, v])),
        failedImports: first.failedImports,
        total: first.total,
        loaded: true,
        loadError: null,
      });
    }
    const [list, jobs] = await Promise.all([
      first.total > first.videos.length ? client().call('videos.list', {}) : Promise.resolve(first),
      jobsPromise,
    ]);
    set({
      videos: new Map(list.videos.map((v) => [v.id, v])),
      failedImports: list.failedImports,
      total: list.total,
      jobs: new Map(jobs.map((j) => [j.id, j])),
      loaded: true,
      loadError: null,
    });
    // Bring this session's import rows up to date with jobs that changed while we were away.
    for (const j of jobs) updateImportFromJob(j);
  } catch (err) {
    set({ loadError: errorMessage(err), loaded: true });
  }
}

let failedReload: ReturnType<typeof setTimeout> | undefined;
async function refreshFailedImports(): Promise<void> {
  clearTimeout(failedReload);
  failedReload = setTimeout(() => {
    client()
      .call('videos.list', { limit: 1 })
      .then((r) => set({ failedImports: r.failedImports }))
      .catch(() => undefined);
  }, 300);
}

function failedPathIsListed(job: JobSummary): boolean {
  const p = (job.input as { path?: unknown } | null)?.path;
  return typeof p === 'string' && get().failedImports.some((f) => f.path === p);
}

function importOutputStatus(job: JobSummary): { status?: string; videoId?: number } {
  const o = job.output as { status?: string; videoId?: number } | null;
  return o && typeof o === 'object' ? o : {};
}

function updateImportFromJob(job: JobSummary): void {
  if (job.kind !== 'import') return;
  const items = get().imports;
  const i = items.findIndex((it) => it.jobId === job.id);
  if (i < 0) return;
  const item = items[i]!;
  let phase: ImportPhase = item.phase;
  let error: string | null = item.error;
  let videoId = item.videoId;
  if (job.state === 'queued') phase = 'queued';
  else if (job.state === 'running') phase = 'running';
  else if (job.state === 'failed') {
    phase = 'failed';
    error = job.error ? errorText(job.error, item.name) : i18n.t('common:errors.generic', { reason: job.state });
  } else if (job.state === 'cancelled') phase = 'cancelled';
  else if (job.state === 'succeeded') {
    const out = importOutputStatus(job);
    phase = out.status === 'duplicate' ? 'duplicate' : out.status === 'relinked' ? 'relinked' : 'imported';
    videoId = out.videoId ?? null;
  }
  const next = [...items];
  next[i] = { ...item, phase, error, videoId, progress: job.state === 'succeeded' ? 1 : job.progress };
  set({ imports: next });
}

export function addImportItems(items: ImportItem[]): void {
  set((s) => ({ imports: [...items, ...s.imports] }));
}

export function patchImportItem(key: string, patch: Partial<ImportItem>): void {
  set((s) => ({ imports: s.imports.map((it) => (it.key === key ? { ...it, ...patch } : it)) }));
  const item = get().imports.find((it) => it.key === key);
  const job = item?.jobId ? get().jobs.get(item.jobId) : undefined;
  if (job) updateImportFromJob(job);
}

export function clearImportItems(): void {
  set((s) => ({ imports: s.imports.filter((i) => i.phase === 'uploading' || i.phase === 'queued' || i.phase === 'running') }));
}

function putJob(job: JobSummary): void {
  const jobs = new Map(get().jobs);
  jobs.set(job.id, job);
  if (jobs.size > JOB_LIMIT * 2) {
    // Forget the oldest finished jobs (the core keeps them all).
    const finished = [...jobs.values()].filter((j) => j.state !== 'queued' && j.state !== 'running').sort((a, b) => a.id - b.id);
    for (const j of finished.slice(0, jobs.size - JOB_LIMIT)) jobs.delete(j.id);
  }
  set({ jobs });
}

function putVideo(video: VideoSummary): void {
  const videos = new Map(get().videos);
  const isNew = !videos.has(video.id);
  videos.set(video.id, video);
  set((s) => ({ videos, total: isNew ? s.total + 1 : s.total }));
}

/** Bring a video's derived job facts (processing / failed badges) up to date. */
const videoRefresh = new Map<number, ReturnType<typeof setTimeout>>();
function refreshVideoSoon(videoId: number): void {
  clearTimeout(videoRefresh.get(videoId));
  videoRefresh.set(
    videoId,
    setTimeout(() => {
      videoRefresh.delete(videoId);
      client()
        .call('videos.get', { video: videoId })
        .then((v) => {
          const { metadata: _m, artifacts: _a, ...summary } = v;
          if (get().videos.has(videoId)) putVideo(summary);
        })
        .catch(() => undefined);
    }, 100),
  );
}

export function applyEvent(e: CoreEvent): void {
  switch (e.type) {
    case 'video.added':
    case 'video.changed':
      putVideo(e.video);
      return;
    case 'video.removed': {
      const videos = new Map(get().videos);
      const had = videos.delete(e.videoId);
      set((s) => ({ videos, total: had ? Math.max(0, s.total - 1) : s.total }));
      return;
    }
    case 'job.state':
      putJob(e.job);
      updateImportFromJob(e.job);
      if (e.job.videoId !== null) refreshVideoSoon(e.job.videoId);
      // The failed-imports list changes when an import fails, or when a file that had failed imports after all.
      if (e.job.kind === 'import' && (e.job.state === 'failed' || (e.job.state === 'succeeded' && failedPathIsListed(e.job)))) {
        void refreshFailedImports();
      }
      return;
    case 'job.progress': {
      const job = get().jobs.get(e.jobId);
      if (!job) return;
      putJob({
        ...job,
        state: job.state === 'queued' ? 'running' : job.state,
        progress: e.progress,
        stage: e.stage,
        etaSeconds: e.etaSeconds,
      });
      const item = get().imports.find((it) => it.jobId === e.jobId);
      if (item)
        set((s) => ({ imports: s.imports.map((it) => (it.jobId === e.jobId ? { ...it, phase: 'running', progress: e.progress } : it)) }));
      return;
    }
    default:
      return;
  }
}

/** Connect the store to the client: events, connection state, reload after reconnecting. */
export function startSync(): () => void {
  const c = client();
  const offEvents = c.subscribe(applyEvent);
  let wasOpen = c.connectionState() === 'open';
  // The first load's calls wait in the transport's outbox for the first open: that open needs no second load
  // (it doubled jobs.list and videos.list at every page start). A reconnection, or a first load that failed
  // before the socket opened, loads again.
  let firstOpenCovered = !wasOpen;
  set({ connection: c.connectionState() });
  const offConn = c.onConnection((state) => {
    set({ connection: state });
    if (state === 'open' && !wasOpen) {
      if (!firstOpenCovered || get().loadError) void loadAll();
      firstOpenCovered = false;
    }
    wasOpen = state === 'open';
  });
  void loadAll();
  return () => {
    offEvents();
    offConn();
  };
}

export async function cancelJob(id: number): Promise<void> {
  try {
    putJob(await client().call('jobs.cancel', { id }));
  } catch (err) {
    notify(errorText(err));
  }
}

export async function retryJob(id: number): Promise<void> {
  try {
    const r = await client().call('jobs.retry', { id });
    putJob(r.job);
    const item = get().imports.find((it) => it.jobId === id);
    if (item) patchImportItem(item.key, { jobId: r.job.id, phase: 'queued', error: null, progress: 0 });
  } catch (err) {
    notify(errorText(err));
  }
}

export async function enqueueJob(kind: string, input: unknown): Promise<void> {
  try {
    const r = await client().call('jobs.enqueue', { kind, input });
    putJob(r.job);
  } catch (err) {
    notify(errorText(err));
  }
}

/** Progress (0..1) and kind of the furthest-along running job of a video, or null (re-renders only on change). */
/**
 * The running jobs' progress by video, for the library grid (one subscription for all its cards, not one per
 * card): a video with several running jobs shows the furthest one.
 */
export function useRunningActivities(): ReadonlyMap<number, { progress: number; kind: string }> {
  const flat = useApp(
    useShallow((s): Array<number | string> => {
      const out: Array<number | string> = [];
      for (const j of s.jobs.values()) if (j.videoId !== null && j.state === 'running') out.push(j.videoId, j.progress, j.kind);
      return out;
    }),
  );
  return useMemo(() => {
    const byVideo = new Map<number, { progress: number; kind: string }>();
    for (let i = 0; i < flat.length; i += 3) {
      const [videoId, progress, kind] = [flat[i] as number, flat[i + 1] as number, flat[i + 2] as string];
      const best = byVideo.get(videoId);
      if (!best || progress > best.progress) byVideo.set(videoId, { progress, kind });
    }
    return byVideo;
  }, [flat]);
}

/** Remove videos from the library (optionally the library's own copies of their files). */
export async function removeVideos(ids: number[], deleteCopies: boolean): Promise<boolean> {
  try {
    // The core's video.removed events update the list.
    await client().call('videos.remove', { ids, deleteCopies });
    return true;
  } catch (err) {
    notify(errorText(err));
    return false;
  }
}

/** Forget failed imports (the files stay where they are). */
export async function dismissFailedImports(jobIds: number[]): Promise<void> {
  try {
    await client().call('imports.dismiss', { jobIds });
    set((s) => ({ failedImports: s.failedImports.filter((f) => !jobIds.includes(f.jobId)) }));
  } catch (err) {
    notify(errorText(err));
  }
}
