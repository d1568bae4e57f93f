import { create } from 'zustand';

/**
 * The library's multi-selection: ids of the chosen videos and the anchor of shift-ranges. Kept apart from the
 * app store (it is pure UI state); actions work on the selected videos that are shown, so a filter never
 * lets a batch reach videos the user cannot see.
 */
interface Selection {
  ids: ReadonlySet<number>;
  anchor: number | null;
}

export const useSelection = create<Selection>(() => ({ ids: new Set(), anchor: null }));
const set = useSelection.setState;
const get = useSelection.getState;

/** A selection gesture on one video: toggle it (ctrl/cmd, checkbox, Space) or extend a range (shift). */
export function pickVideo(id: number, order: readonly number[], gesture: { range: boolean }): void {
  const { ids, anchor } = get();
  if (gesture.range && anchor !== null) {
    const from = order.indexOf(anchor);
    const to = order.indexOf(id);
    if (from >= 0 && to >= 0) {
      const next = new Set(ids);
      for (const v of order.slice(Math.min(from, to), Math.max(from, to) + 1)) next.add(v);
      set({ ids: next, anchor: id });
      return;
    }
  }
  const next = new Set(ids);
  if (next.has(id)) next.delete(id);
  else next.add(id);
  set({ ids: next, anchor: id });
}

export function selectAll(order: readonly number[]): void {
  set({ ids: new Set(order), anchor: order[0] ?? null });
}

export function clearSelection(): void {
  if (get().ids.size || get().anchor !== null) set({ ids: new Set(), anchor: null });
}

/** Forget removed videos (their ids may come back for other videos only in theory, but stay exact). */
export function unselect(ids: readonly number[]): void {
  const next = new Set(get().ids);
  for (const id of ids) next.delete(id);
  set({ ids: next });
}

export function useIsSelected(id: number): boolean {
  return useSelection((s) => s.ids.has(id));
}
