import type { KeyboardEvent } from 'react';
import type { StoredCue } from '../../../../core/api/types.js';
import { client } from '../../state/client.js';
import { notify } from '../../state/store.js';
import { errorMessage } from '../../transport/types.js';
import type { Fps } from '../../lib/frames.js';
import { playerControls, usePlayer } from '../video/player.js';
import { currentCues, edit, loadSubtitles, subtitleActions, useSubtitles } from './subtitleStore.js';
import { frameForMs, msForFrame } from './time.js';

const DEFAULT_CUE_MS = 2000;

function ctx() {
  const s = useSubtitles.getState();
  return { s, video: s.videoId!, track: s.trackId!, cues: currentCues(s) };
}

/** The selected cues, else the cue under the playhead. */
function targets(fps: Fps): StoredCue[] {
  const { s, cues } = ctx();
  const sel = cues.filter((c) => s.selected.includes(c.id));
  if (sel.length) return sel;
  const ms = msForFrame(usePlayer.getState().frame, fps);
  return cues.filter((c) => c.startMs <= ms && ms < c.endMs);
}

export const laneActions = {
  async undo(): Promise<void> {
    const { video } = ctx();
    await edit(() => client().call('subtitles.undo', { video }));
  },
  async redo(): Promise<void> {
    const { video } = ctx();
    await edit(() => client().call('subtitles.redo', { video }));
  },
  async addAtPlayhead(fps: Fps, durationMs: number): Promise<void> {
    const { video, track, cues } = ctx();
    const startMs = msForFrame(usePlayer.getState().frame, fps);
    const next = cues.find((c) => c.startMs > startMs);
    const endMs = Math.min(startMs + DEFAULT_CUE_MS, next?.startMs ?? Infinity, durationMs);
    if (cues.some((c) => c.startMs <= startMs && startMs < c.endMs) || endMs <= startMs)
      return notify('There is a cue at the playhead already.');
    await edit(
      () => client().call('subtitles.add', { video, track, startMs, endMs, text: '…' }),
      (after) => after.filter((c) => c.startMs === startMs).map((c) => c.id),
    );
    const added = currentCues().find((c) => c.startMs === startMs);
    if (added) subtitleActions.editText(added.id);
  },
  async split(fps: Fps): Promise<void> {
    const { video, track } = ctx();
    const atMs = msForFrame(usePlayer.getState().frame, fps);
    const cue = targets(fps).find((c) => c.startMs < atMs && atMs < c.endMs);
    if (!cue) return notify('Put the playhead inside a cue to split it.');
    await edit(() => client().call('subtitles.split', { video, track, id: cue.id, atMs }));
  },
  async merge(): Promise<void> {
    const { s, video, track, cues } = ctx();
    let ids = s.selected;
    if (ids.length === 1) {
      const i = cues.findIndex((c) => c.id === ids[0]);
      const next = cues[i + 1];
      if (!next) return;
      ids = [ids[0]!, next.id];
    }
    if (ids.length < 2) return;
    await edit(
      () => client().call('subtitles.merge', { video, track, ids }),
      (after) =>
        after.filter((c) => c.startMs === Math.min(...cues.filter((x) => ids.includes(x.id)).map((x) => x.startMs))).map((c) => c.id),
    );
  },
  async remove(): Promise<void> {
    const { s, video, track } = ctx();
    if (!s.selected.length) return;
    await edit(
      () => client().call('subtitles.delete', { video, track, ids: s.selected }),
      () => [],
    );
  },
  /** Retime one cue (frames → ms); the selection follows the new revision. */
  async retime(cue: StoredCue, startFrame: number, endFrame: number, fps: Fps): Promise<void> {
    const { video, track } = ctx();
    // An edge that stays on its frame keeps its exact millisecond (imported times are not rounded to frames).
    const startMs = startFrame === frameForMs(cue.startMs, fps) ? cue.startMs : msForFrame(startFrame, fps);
    const endMs = endFrame === frameForMs(cue.endMs, fps) ? cue.endMs : msForFrame(endFrame, fps);
    if (endMs <= startMs || (startMs === cue.startMs && endMs === cue.endMs)) return;
    await edit(
      () => client().call('subtitles.update', { video, track, id: cue.id, startMs, endMs }),
      (after) => after.filter((c) => c.startMs === startMs && c.endMs === endMs).map((c) => c.id),
    );
  },
  async saveText(cue: StoredCue, text: string): Promise<void> {
    const { video, track } = ctx();
    subtitleActions.editText(null);
    if (text.trim() === cue.text.trim()) return;
    if (!text.trim()) return laneActions.remove();
    await edit(
      () => client().call('subtitles.update', { video, track, id: cue.id, text }),
      (after) => after.filter((c) => c.startMs === cue.startMs).map((c) => c.id),
    );
  },
  /** Import a picked subtitle file (read here, so it works in the browser too); repairs are reported. */
  async importFile(file: File): Promise<void> {
    const { s } = ctx();
    if (s.videoId === null) return;
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      let binary = '';
      for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      const r = await client().call('subtitles.importContent', { video: s.videoId, name: file.name, base64: btoa(binary) });
      await loadSubtitles(s.videoId);
      subtitleActions.setTrack(r.track.id);
      if (r.issues.length) notify(`${file.name}: ${r.issues.map((i) => `line ${i.line}: ${i.message}`).join('; ')}`);
    } catch (err) {
      notify(errorMessage(err));
    }
  },
  async newTrack(): Promise<void> {
    const { s } = ctx();
    if (s.videoId === null) return;
    try {
      const t = await client().call('subtitles.create', { video: s.videoId });
      await loadSubtitles(s.videoId);
      subtitleActions.setTrack(t.id);
    } catch (err) {
      notify((err as Error).message);
    }
  },
};

/** Keys of the focused subtitle lane (listed in the `?` overlay); handled here, never reaching the review keys. */
export function onLaneKey(e: KeyboardEvent, fps: Fps, durationMs: number): void {
  const { s, cues } = ctx();
  if (s.trackId === null || s.editing !== null) return;
  const key = e.key;
  const ctrl = e.ctrlKey || e.metaKey;
  const frame = usePlayer.getState().frame;
  const handled = (fn: () => unknown) => {
    e.preventDefault();
    e.stopPropagation();
    void fn();
  };
  if (ctrl && (key === 'z' || key === 'Z')) return handled(e.shiftKey ? laneActions.redo : laneActions.undo);
  if (ctrl && (key === 'y' || key === 'Y')) return handled(laneActions.redo);
  if (ctrl) return;
  const selected = cues.filter((c) => s.selected.includes(c.id));
  const one = selected.length === 1 ? selected[0]! : null;
  if (key === 'n' || key === 'N' || key === 'Insert') return handled(() => laneActions.addAtPlayhead(fps, durationMs));
  if (key === 's' || key === 'S') return handled(() => laneActions.split(fps));
  if (key === 'm' || key === 'M') return handled(laneActions.merge);
  if (key === 'Delete' || key === 'Backspace') return handled(laneActions.remove);
  if (key === 'Escape') return handled(() => subtitleActions.select([]));
  if (key === 'Enter' && one) return handled(() => subtitleActions.editText(one.id));
  if (key === 'Tab') {
    const ref = one ? one.startMs : msForFrame(frame, fps) - (e.shiftKey ? 0 : 1);
    const next = e.shiftKey ? [...cues].reverse().find((c) => c.startMs < ref) : cues.find((c) => c.startMs > ref);
    if (!next) return;
    return handled(() => {
      subtitleActions.select([next.id]);
      playerControls.seekToFrame(frameForMs(next.startMs, fps));
    });
  }
  if (!one) return;
  const a = frameForMs(one.startMs, fps);
  const b = frameForMs(one.endMs, fps);
  if (key === '[' && frame < b) return handled(() => laneActions.retime(one, frame, b, fps));
  if (key === ']' && frame > a) return handled(() => laneActions.retime(one, a, frame, fps));
  if (e.altKey && (key === 'ArrowLeft' || key === 'ArrowRight')) {
    const d = key === 'ArrowLeft' ? -1 : 1;
    if (a + d < 0) return;
    return handled(() => laneActions.retime(one, a + d, b + d, fps));
  }
}
