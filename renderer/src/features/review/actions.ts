import { i18n } from '../../i18n/index.js';
import { notify } from '../../state/store.js';
import { usePlayer } from '../video/player.js';
import { afterPendingEdits, edit, inTurn, reviewActions, select, selectedSegments, useReview } from './reviewStore.js';

/**
 * Review edits shared by the toolbar, the keyboard and the selection editor (each one core call). Each runs in turn
 * (see inTurn): it reads the selection after the previous command's answer is applied.
 */

function needSelection(): boolean {
  if (selectedSegments().length) return true;
  notify(i18n.t('review:noSelection'));
  return false;
}

/** Pick the current label; the selected segments move to it in ONE edit (one undo step). */
export const relabelSelected = (label: string): Promise<void> => inTurn(() => relabelSelectedNow(label));
async function relabelSelectedNow(label: string): Promise<void> {
  reviewActions.setLabel(label);
  const sel = selectedSegments();
  const ids = sel.filter((s) => s.label !== label).map((s) => s.id);
  if (!ids.length) return;
  const c = await edit('segments.relabel', { ids, label });
  if (c?.entry) select([...sel.filter((s) => s.label === label).map((s) => s.id), ...c.entry.after.map((s) => s.id)]);
  reviewActions.setLabel(label);
}

/** A new, still empty lane (it is stored with its first segment). */
export function addLabel(name: string): void {
  useReview.setState((s) => ({
    lanes: s.lanes.includes(name) ? s.lanes : [...s.lanes, name],
    currentLabel: name,
    byLane: new Map(s.byLane).set(name, s.byLane.get(name) ?? []),
  }));
}

/** Split at the playhead as it is when asked (S), once the commands before have been answered. */
export const splitSelected = (): Promise<void> => {
  const f = usePlayer.getState().frame;
  return inTurn(() => splitSelectedAt(f));
};
async function splitSelectedAt(f: number): Promise<void> {
  const [s] = selectedSegments();
  if (!s) return void notify(i18n.t('review:noSelection'));
  const c = await edit('segments.split', { id: s.id, frame: f });
  const right = c?.entry?.after.find((x) => x.startFrame === f);
  if (right) select([right.id]);
}

export const mergeSelected = (): Promise<void> => inTurn(() => mergeSelectedNow());
async function mergeSelectedNow(): Promise<void> {
  if (!needSelection()) return;
  const sel = selectedSegments();
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

export const deleteSelected = (): Promise<void> => inTurn(() => deleteSelectedNow());
async function deleteSelectedNow(): Promise<void> {
  if (!needSelection()) return;
  await edit('segments.delete', { ids: selectedSegments().map((s) => s.id) });
  select([]);
}

export const validateSelected = (validated: boolean): Promise<void> => inTurn(() => validateSelectedNow(validated));
async function validateSelectedNow(validated: boolean): Promise<void> {
  if (!needSelection()) return;
  const c = await edit('segments.validate', { ids: selectedSegments().map((s) => s.id), validated });
  if (c?.entry) select(c.entry.after.map((s) => s.id));
}

/** Set the selected segment's first and last frame (inclusive), e.g. from the selection editor. */
export const setSelectedRange = (firstFrame: number, lastFrame: number): Promise<void> =>
  inTurn(() => setSelectedRangeNow(firstFrame, lastFrame));
async function setSelectedRangeNow(firstFrame: number, lastFrame: number): Promise<void> {
  const [s] = selectedSegments();
  if (!s) return void notify(i18n.t('review:noSelection'));
  const startFrame = Math.max(0, Math.round(firstFrame));
  const endFrame = Math.round(lastFrame) + 1;
  if (endFrame <= startFrame) return void notify(i18n.t('review:invalidRange'));
  if (startFrame === s.startFrame && endFrame === s.endFrame) return;
  const c = await edit('segments.update', { id: s.id, startFrame, endFrame });
  if (c?.entry?.after[0]) select([c.entry.after[0].id]);
}

export const undo = (): Promise<void> => inTurn(() => undoNow());
async function undoNow(): Promise<void> {
  await afterPendingEdits();
  const st = useReview.getState().state;
  if (!st?.undoEntryId) return;
  await edit('segments.undo', { expectedEntryId: st.undoEntryId });
}

export const redo = (): Promise<void> => inTurn(() => redoNow());
async function redoNow(): Promise<void> {
  await afterPendingEdits();
  const st = useReview.getState().state;
  if (!st?.redoEntryId) return;
  await edit('segments.redo', { expectedEntryId: st.redoEntryId });
}
