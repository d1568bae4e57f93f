import { create } from 'zustand';
import type { CommandInput, CommandName } from '../../../../core/api/commands.js';
import type {
  CoreEvent,
  PredictionRun,
  PredictionScores,
  ReviewChange,
  ReviewState,
  TimelineSegment,
  SegmentHistoryEntry,
} from '../../../../core/api/types.js';
import { client } from '../../state/client.js';
import { notify } from '../../state/store.js';
import { ClientError, errorMessage } from '../../transport/types.js';
import { i18n } from '../../i18n/index.js';
import { errorText } from '../../i18n/errors.js';

/**
 * The review session of the open video: its active segments (by id and per lane), the selection, in/out marks,
 * undo state, and the edit actions. Every edit goes straight to the core (no save button); the answer and the
 * `segments.changed` events of other windows are applied the same way (remove `before`, add `after`), so two
 * tabs converge. A refused edit (conflict) is reported and the session reloaded.
 */
export interface ReviewStore {
  videoId: number | null;
  state: ReviewState | null;
  segments: Map<number, TimelineSegment>;
  /** Lane order (labels). */
  lanes: string[];
  /** Segments per lane, sorted by start (rebuilt on change). */
  byLane: Map<string, TimelineSegment[]>;
  /** Bumped on every data change (the canvas redraws on it). */
  version: number;
  selected: number[];
  currentLabel: string | null;
  markIn: number | null;
  markOut: number | null;
  scores: PredictionScores | null;
  /** Prediction runs of this video (the score curves show one model's run). */
  runs: PredictionRun[];
  scoreModel: string | null;
  history: SegmentHistoryEntry[];
  loading: boolean;
  error: string | null;
  helpOpen: boolean;
}

export const useReview = create<ReviewStore>(() => ({
  videoId: null,
  state: null,
  segments: new Map(),
  lanes: [],
  byLane: new Map(),
  version: 0,
  selected: [],
  currentLabel: null,
  markIn: null,
  markOut: null,
  scores: null,
  runs: [],
  scoreModel: null,
  history: [],
  loading: false,
  error: null,
  helpOpen: false,
}));

const set = useReview.setState;
const get = useReview.getState;

function rebuild(segments: Map<number, TimelineSegment>, baseLanes: string[]): Pick<ReviewStore, 'byLane' | 'lanes'> {
  const lanes = [...baseLanes];
  const byLane = new Map<string, TimelineSegment[]>();
  for (const l of lanes) byLane.set(l, []);
  for (const s of segments.values()) {
    let lane = byLane.get(s.label);
    if (!lane) {
      lane = [];
      byLane.set(s.label, lane);
      lanes.push(s.label);
    }
    lane.push(s);
  }
  for (const lane of byLane.values()) lane.sort((a, b) => a.startFrame - b.startFrame || a.id - b.id);
  return { byLane, lanes };
}

let loadSeq = 0;

export async function loadReview(videoId: number): Promise<void> {
  const seq = ++loadSeq;
  const fresh = get().videoId !== videoId;
  set({
    loading: true,
    error: null,
    ...(fresh ? { videoId, state: null, selected: [], markIn: null, markOut: null, scores: null, history: [] } : {}),
  });
  try {
    performance.mark('timeline-load-start');
    const model = get().scoreModel;
    // First draw from one request: the segments. Scores (the curves), runs, history (which can be large: an
    // import lists every segment) and sprites follow after the first paint. Profiled in the review bench: the
    // first draw waited for all four answers, which the core serialises, history first.
    const state = await client().call('review.state', { video: videoId });
    if (seq !== loadSeq) return;
    const segments = new Map(state.segments.map((s) => [s.id, s]));
    const known = get().scores;
    const keptScores = known && !fresh ? known : null;
    const base = [...state.labels];
    for (const l of keptScores?.labels ?? []) if (!base.includes(l)) base.push(l);
    // A reload of the same video (sprites ready, another process's re-segmenting) keeps the lanes the reviewer
    // added in this window and has not drawn a segment on yet.
    if (!fresh) for (const l of get().lanes) if (!base.includes(l)) base.push(l);
    const { byLane, lanes } = rebuild(segments, base);
    performance.mark('timeline-data');
    set((s) => ({
      state,
      segments,
      byLane,
      lanes,
      loading: false,
      version: s.version + 1,
      selected: s.selected.filter((id) => segments.has(id)),
      currentLabel: s.currentLabel && lanes.includes(s.currentLabel) ? s.currentLabel : (lanes[0] ?? null),
    }));
    void Promise.all([
      client()
        .call('predict.scores', { video: videoId, maxPoints: 4000, ...(model ? { model } : {}) })
        .catch(() => null),
      client()
        .call('predict.runs', { video: videoId })
        .catch(() => [] as PredictionRun[]),
    ]).then(([scores, runs]) => {
      if (seq !== loadSeq) return;
      set((s) => {
        const extra = (scores?.labels ?? []).filter((l) => !s.lanes.includes(l));
        const relaid = extra.length ? rebuild(s.segments, [...s.lanes, ...extra]) : null;
        return {
          scores,
          runs,
          ...(relaid ? { byLane: relaid.byLane, lanes: relaid.lanes } : {}),
          currentLabel: s.currentLabel ?? relaid?.lanes[0] ?? null,
          version: s.version + 1,
        };
      });
    });
    void client()
      .call('segments.history', { video: videoId, limit: 200 })
      .then((history) => {
        if (seq !== loadSeq) return;
        // Keep entries that arrived (events) while the history was loading.
        const last = history[history.length - 1]?.id ?? 0;
        set((s) => ({ history: [...history, ...s.history.filter((h) => h.id > last)] }));
      })
      .catch(() => undefined);
    if (!state.sprites)
      void client()
        .call('review.sprites', { video: videoId })
        .catch(() => undefined);
  } catch (err) {
    if (seq === loadSeq) set({ loading: false, error: errorMessage(err) });
  }
}

/** Apply a history entry (own answer or another window's event); idempotent. */
export function applyEntry(entry: SegmentHistoryEntry, undo?: Partial<ReviewChange>): void {
  const s = get();
  if (!s.state || entry.videoId !== s.videoId) return;
  const segments = new Map(s.segments);
  for (const b of entry.before) segments.delete(b.id);
  for (const a of entry.after) segments.set(a.id, a);
  const { byLane, lanes } = rebuild(segments, s.lanes);
  // The selection follows an edit: a replaced segment's successor is selected instead.
  const removed = new Set(entry.before.map((b) => b.id));
  let selected = s.selected.filter((id) => segments.has(id));
  if (s.selected.some((id) => removed.has(id)) && entry.after.length) selected = [...new Set([...selected, entry.after[0]!.id])];
  const history = s.history.some((h) => h.id === entry.id) ? s.history : [...s.history, entry].slice(-500);
  set({
    segments,
    byLane,
    lanes,
    selected,
    history,
    version: s.version + 1,
    state: {
      ...s.state,
      ...(undo ?? {}),
      lastEntryId: Math.max(s.state.lastEntryId ?? 0, entry.id),
    } as ReviewState,
  });
}

/** Entries this window made (their answers were applied already, with the undo state). */
const ownEntries = new Set<number>();

function applyChange(change: ReviewChange): void {
  const { entry, progress, undoEntryId, undoOp, redoEntryId, redoOp, lastEntryId } = change;
  const s = get();
  if (!s.state) return;
  if (entry) ownEntries.add(entry.id);
  if (entry) applyEntry(entry, { progress, undoEntryId, undoOp, redoEntryId, redoOp, lastEntryId });
  else set({ state: { ...s.state, progress, undoEntryId, undoOp, redoEntryId, redoOp } });
}

let refetch: ReturnType<typeof setTimeout> | undefined;
/** Edits sent and not yet answered: the echo of one can arrive before its answer. */
const inflight = new Set<Promise<void>>();
/** Entries received as events since the last re-read, not (yet) known to be this window's own. */
const unexplained = new Set<number>();

/**
 * Another window changed this video: apply its entry now, refresh undo state and progress shortly after.
 * The echo of this window's own edit is ignored (its answer carried everything); when the echo arrives before
 * the answer it is applied (idempotent), and the re-read is skipped once the answer shows it was our own.
 */
export function onCoreEvent(e: CoreEvent): void {
  if (e.type !== 'segments.changed' || e.videoId !== get().videoId) return;
  if (ownEntries.has(e.entry.id)) return;
  applyEntry(e.entry);
  unexplained.add(e.entry.id);
  clearTimeout(refetch);
  refetch = setTimeout(() => void reReadAfterForeignEdit(), 150);
}

async function reReadAfterForeignEdit(): Promise<void> {
  await Promise.allSettled([...inflight]);
  for (const id of unexplained) if (ownEntries.has(id)) unexplained.delete(id);
  if (unexplained.size === 0) return;
  unexplained.clear();
  const id = get().videoId;
  if (id === null) return;
  try {
    const st = await client().call('review.state', { video: id });
    const cur = get().state;
    if (cur && get().videoId === st.videoId)
      set({
        state: {
          ...cur,
          progress: st.progress,
          undoEntryId: st.undoEntryId,
          undoOp: st.undoOp,
          redoEntryId: st.redoEntryId,
          redoOp: st.redoOp,
          lastEntryId: st.lastEntryId,
          sprites: st.sprites,
        },
      });
  } catch {
    // A failed refresh leaves the applied entry; the next event or load brings the undo state.
  }
}

let turn: Promise<unknown> = Promise.resolve();
/**
 * Run the reviewer's commands (keys, toolbar, selection editor, drags) one after another, in the order given:
 * each reads the selection, marks and undo state only after the previous command's answer was applied. On a
 * busy machine Enter pressed right after N arrives before N's answer: it must validate the segment N made
 * (selected when that answer is applied), not find an empty selection (or a replaced segment) and do nothing.
 */
export function inTurn<T>(command: () => Promise<T> | T): Promise<T> {
  const run = turn.then(command);
  turn = run.catch(() => undefined);
  return run;
}

/**
 * Settles when every edit sent so far is answered and applied. Undo and redo name the entry they expect to undo:
 * read before the previous edit's answer is applied (Enter, then Ctrl+Z at once), that would be the entry before
 * it, and the core would refuse the undo as a conflict.
 */
export async function afterPendingEdits(): Promise<void> {
  while (inflight.size) await Promise.allSettled([...inflight]);
}

type EditCommand =
  | 'segments.add'
  | 'segments.update'
  | 'segments.split'
  | 'segments.merge'
  | 'segments.delete'
  | 'segments.validate'
  | 'segments.relabel'
  | 'segments.validateAll'
  | 'segments.undo'
  | 'segments.redo';

/** Send one edit; apply the answer. A refused edit is reported (with the core's reason) and the view reloaded. */
export async function edit<N extends EditCommand & CommandName>(
  name: N,
  input: Omit<CommandInput<N>, 'video'>,
): Promise<ReviewChange | null> {
  const videoId = get().videoId;
  if (videoId === null) return null;
  try {
    // Settles once the answer is applied, so an early echo's re-read decision sees this edit's entry id.
    let settle = () => {};
    const settled = new Promise<void>((r) => (settle = r));
    inflight.add(settled);
    let change: ReviewChange;
    try {
      change = (await client().call(name, { video: videoId, ...input } as CommandInput<N>)) as ReviewChange;
      applyChange(change);
    } finally {
      inflight.delete(settled);
      settle();
    }
    return change;
  } catch (err) {
    const code = err instanceof ClientError ? err.code : '';
    notify(code === 'conflict' ? i18n.t('review:conflict', { reason: errorMessage(err) }) : errorText(err));
    set({ error: code === 'conflict' ? errorMessage(err) : null });
    if (code === 'conflict') await loadReview(videoId);
    else set((s) => ({ version: s.version + 1 }));
    return null;
  }
}

export function select(ids: number[]): void {
  set({ selected: ids });
  const first = ids.length ? get().segments.get(ids[0]!) : null;
  if (first) set({ currentLabel: first.label });
}

export function selectedSegments(): TimelineSegment[] {
  const s = get();
  return s.selected.map((id) => s.segments.get(id)).filter((x): x is TimelineSegment => !!x);
}

/** Show another model's score curves. */
export function showScoresOf(model: string): void {
  set({ scoreModel: model });
  const id = get().videoId;
  if (id !== null) void loadReview(id);
}

let previousEvent: CoreEvent | null = null;
/**
 * Segments changed by something other than a reviewer edit (a prediction run, re-segmenting): reload. A review
 * edit publishes `segments.changed` right before its `data.changed`, which is then skipped: told by the order of
 * the events, not by the time between them (on a busy machine drawing the edit took longer than any such time,
 * and every edit reloaded the whole session; its answer, read before a later edit, could then undo that edit
 * on screen).
 */
export function onDataChanged(e: CoreEvent): void {
  const previous = previousEvent;
  previousEvent = e;
  if (e.type !== 'data.changed' || e.videoId !== get().videoId || e.topic !== 'segments') return;
  if (previous?.type === 'segments.changed' && previous.videoId === e.videoId) return;
  void loadReview(e.videoId);
}

export const reviewActions = {
  setMarkIn: (f: number | null) => set({ markIn: f }),
  setMarkOut: (f: number | null) => set({ markOut: f }),
  setLabel: (l: string) => set({ currentLabel: l }),
  toggleHelp: (open?: boolean) => set((s) => ({ helpOpen: open ?? !s.helpOpen })),
  clearError: () => set({ error: null }),
};
