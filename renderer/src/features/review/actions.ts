import { notify } from '../../state/store.js';
import { strings } from '../../strings.js';
import { usePlayer } from '../video/player.js';
import { edit, reviewActions, select, selectedSegments, useReview } from './reviewStore.js';

// Actions shared by the toolbar and the keyboard.

/** Pick the current label; the selected segments move to it (a label change is an edit). */
export async function relabelSelected(label: string): Promise<void> {
  reviewActions.setLabel(label);
  const moved: number[] = [];
  for (const s of selectedSegments()) {
    if (s.label === label) {
      moved.push(s.id);
      continue;
    }
    const c = await edit('segments.update', { id: s.id, label });
    if (c?.entry?.after[0]) moved.push(c.entry.after[0].id);
  }
  if (moved.length) select(moved);
  reviewActions.setLabel(label);
}
export async function splitSelected(): Promise<void> {
  const [s] = selectedSegments();
  if (!s) return notify(strings.review.noSelection);
  const f = usePlayer.getState().frame;
  const c = await edit('segments.split', { id: s.id, frame: f });
  const right = c?.entry?.after.find((x) => x.startFrame === f);
  if (right) select([right.id]);
}

export async function mergeSelected(): Promise<void> {
  const sel = selectedSegments();
  if (!sel.length) return notify(strings.review.noSelection);
  let ids = sel.map((s) => s.id);
  if (sel.length === 1) {
    const s = sel[0]!;
    const lane = useReview.getState().byLane.get(s.label) ?? [];
    const next = lane.find((x) => x.id !== s.id && x.startFrame >= s.startFrame && (x.startFrame > s.startFrame || x.id > s.id));
    if (!next) return;
    ids = [s.id, next.id];
  }
  const c = await edit('segments.merge', { ids });
  if (c?.entry?.after[0]) select([c.entry.after[0].id]);
}

export async function deleteSelected(): Promise<void> {
  const sel = selectedSegments();
  if (!sel.length) return notify(strings.review.noSelection);
  await edit('segments.delete', { ids: sel.map((s) => s.id) });
  select([]);
}

export async function validateSelected(validated: boolean): Promise<void> {
  const sel = selectedSegments();
  if (!sel.length) return notify(strings.review.noSelection);
  const c = await edit('segments.validate', { ids: sel.map((s) => s.id), validated });
  if (c?.entry) select(c.entry.after.map((s) => s.id));
}

export async function undo(): Promise<void> {
  const st = useReview.getState().state;
  if (!st?.undoEntryId) return;
  await edit('segments.undo', { expectedEntryId: st.undoEntryId });
}

export async function redo(): Promise<void> {
  const st = useReview.getState().state;
  if (!st?.redoEntryId) return;
  await edit('segments.redo', { expectedEntryId: st.redoEntryId });
}
