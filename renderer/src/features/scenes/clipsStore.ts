import { create } from 'zustand';
import type { Clip, ClipState } from '../../../../core/api/types.js';
import type { CommandOutput } from '../../../../core/api/commands.js';

export type ExportedClip = CommandOutput<'clips.exported'>[number];
import { client } from '../../state/client.js';
import { notify } from '../../state/store.js';
import { errorMessage } from '../../transport/types.js';

/** The clips of the video on screen, the selected clip and the selected cut (the start of a clip), and edits. */
export interface ClipsView {
  videoId: number | null;
  clips: Clip[];
  undoEntryId: number | null;
  redoEntryId: number | null;
  selected: number;
  /** Index of the clip whose start cut is selected (≥ 1), or null. */
  cut: number | null;
  /** Clips (by id) whose exported file still holds their frames: "Play" plays that file. */
  exported: ReadonlyMap<number, ExportedClip>;
}

export const useClips = create<ClipsView>(() => ({
  videoId: null,
  clips: [],
  undoEntryId: null,
  redoEntryId: null,
  selected: 0,
  cut: null,
  exported: new Map(),
}));

type ListResult = { clips: Clip[]; undoEntryId: number | null; redoEntryId: number | null };

function apply(videoId: number, r: ListResult): void {
  const s = useClips.getState();
  const selected = Math.min(s.selected, Math.max(0, r.clips.length - 1));
  const cut = s.cut !== null && s.cut < r.clips.length ? s.cut : null;
  useClips.setState({ videoId, clips: r.clips, undoEntryId: r.undoEntryId, redoEntryId: r.redoEntryId, selected, cut });
}

/** Which clips have an exported file with their current frames (after loading, editing or exporting). */
export async function loadExported(videoId: number): Promise<void> {
  const list = await client().call('clips.exported', { video: videoId });
  if (useClips.getState().videoId === videoId) useClips.setState({ exported: new Map(list.map((e) => [e.clipId, e])) });
}

export async function loadClips(videoId: number): Promise<void> {
  if (useClips.getState().videoId !== videoId) useClips.setState({ videoId, clips: [], selected: 0, cut: null, exported: new Map() });
  apply(videoId, await client().call('clips.list', { video: videoId }));
}

/** Run one edit; a conflict or usage error is shown and the view reloaded. */
export async function editClips(run: (video: number) => Promise<ListResult>): Promise<void> {
  const videoId = useClips.getState().videoId;
  if (videoId === null) return;
  try {
    apply(videoId, await run(videoId));
  } catch (err) {
    notify(errorMessage(err));
    await loadClips(videoId);
  }
}

export const clipActions = {
  split(frame: number) {
    const c = useClips.getState().clips[useClips.getState().selected];
    if (c && frame > c.startFrame && frame < c.endFrame)
      return editClips((video) => client().call('clips.split', { video, id: c.id, frame }));
  },
  mergeNext() {
    const { clips, selected } = useClips.getState();
    const a = clips[selected];
    const b = clips[selected + 1];
    if (a && b) return editClips((video) => client().call('clips.merge', { video, ids: [a.id, b.id] }));
  },
  setState(state: ClipState) {
    const c = useClips.getState().clips[useClips.getState().selected];
    if (c) return editClips((video) => client().call('clips.setState', { video, ids: [c.id], state }));
  },
  /** Move the selected cut to `frame`. */
  moveCut(frame: number) {
    const { clips, cut } = useClips.getState();
    if (cut === null) return;
    const l = clips[cut - 1];
    const r = clips[cut];
    if (!l || !r || frame <= l.startFrame || frame >= r.endFrame) return;
    return editClips((video) => client().call('clips.moveCut', { video, leftId: l.id, rightId: r.id, frame }));
  },
  undo() {
    const expected = useClips.getState().undoEntryId;
    if (expected !== null) return editClips((video) => client().call('clips.undo', { video, expectedEntryId: expected }));
  },
  redo() {
    const expected = useClips.getState().redoEntryId;
    if (expected !== null) return editClips((video) => client().call('clips.redo', { video, expectedEntryId: expected }));
  },
};
