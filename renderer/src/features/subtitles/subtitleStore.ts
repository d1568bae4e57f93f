import { create } from 'zustand';
import type { CommandOutput } from '../../../../core/api/commands.js';
import type { CueWarning, StoredCue } from '../../../../core/api/types.js';
import { client } from '../../state/client.js';
import { notify } from '../../state/store.js';
import { errorMessage } from '../../transport/types.js';

type State = CommandOutput<'subtitles.state'>;

interface SubtitleStore {
  videoId: number | null;
  state: State | null;
  trackId: number | null;
  selected: number[];
  editing: number | null;
  /** Warnings of the current track's cues, by cue id. */
  warnings: Map<number, CueWarning[]>;
}

export const useSubtitles = create<SubtitleStore>(() => ({
  videoId: null,
  state: null,
  trackId: null,
  selected: [],
  editing: null,
  warnings: new Map(),
}));

/** One empty list: a selector must return the same value for the same state (zustand re-renders otherwise). */
const NO_CUES: StoredCue[] = [];

export function currentCues(s: SubtitleStore = useSubtitles.getState()): StoredCue[] {
  return (s.state && s.trackId !== null ? s.state.cues[s.trackId] : undefined) ?? NO_CUES;
}

/** Per-cue warnings come from the core (`subtitles.check`): the renderer imports only API types. */
async function refreshWarnings(videoId: number, trackId: number | null): Promise<void> {
  if (trackId === null) {
    useSubtitles.setState({ warnings: new Map() });
    return;
  }
  try {
    const r = await client().call('subtitles.check', { video: videoId, track: trackId });
    const now = useSubtitles.getState();
    if (now.videoId !== videoId || now.trackId !== trackId) return;
    const map = new Map<number, CueWarning[]>();
    for (const w of r.warnings) if (w.id !== undefined) map.set(w.id, [...(map.get(w.id) ?? []), w]);
    useSubtitles.setState({ warnings: map });
  } catch (err) {
    notify(errorMessage(err));
  }
}

/** Loads asked for, and the newest whose answer was applied. */
let loadsAsked = 0;
let newestApplied = 0;

export async function loadSubtitles(videoId: number): Promise<void> {
  const asked = ++loadsAsked;
  try {
    const state = await client().call('subtitles.state', { video: videoId });
    // The bridge answers requests concurrently: on a busy machine the answer of a load asked before an edit (on
    // that edit's event) can arrive after the load asked after it. Older state never replaces newer: the cue
    // text just typed would turn back into what it was.
    if (asked < newestApplied) return;
    newestApplied = asked;
    const prev = useSubtitles.getState();
    const keep = prev.videoId === videoId && prev.trackId !== null && state.tracks.some((t) => t.id === prev.trackId);
    const trackId = keep ? prev.trackId : (state.tracks[0]?.id ?? null);
    const cues = trackId !== null ? (state.cues[trackId] ?? []) : [];
    const ids = new Set(cues.map((c) => c.id));
    useSubtitles.setState({
      videoId,
      state,
      trackId,
      selected: keep ? prev.selected.filter((id) => ids.has(id)) : [],
      editing: keep && prev.editing !== null && ids.has(prev.editing) ? prev.editing : null,
    });
    await refreshWarnings(videoId, trackId);
  } catch (err) {
    notify(errorMessage(err));
  }
}

/** Run an edit; the new cue ids come back, so the selection follows cues that were replaced. */
export async function edit(run: () => Promise<{ cues: StoredCue[] }>, select?: (cues: StoredCue[]) => number[]): Promise<void> {
  const videoId = useSubtitles.getState().videoId;
  try {
    const r = await run();
    if (select) useSubtitles.setState({ selected: select(r.cues) });
  } catch (err) {
    notify(errorMessage(err));
  }
  if (videoId !== null) await loadSubtitles(videoId);
}

export const subtitleActions = {
  setTrack(trackId: number): void {
    const s = useSubtitles.getState();
    useSubtitles.setState({ trackId, selected: [], editing: null, warnings: new Map() });
    if (s.videoId !== null) void refreshWarnings(s.videoId, trackId);
  },
  select(ids: number[]): void {
    useSubtitles.setState({ selected: ids, editing: null });
  },
  editText(id: number | null): void {
    useSubtitles.setState({ editing: id, ...(id !== null ? { selected: [id] } : {}) });
  },
};
