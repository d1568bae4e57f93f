/**
 * Undo and redo over an append-only history table. Segment review, subtitle cues and clips each keep their own
 * history table (rows carry `undo_of` / `redo_of`), and all three derive their stacks and the next undo or redo
 * target with these functions, so the three editors behave the same way.
 */
import { FramewiseError } from './errors.js';

export interface HistoryLink {
  id: number;
  undo_of: number | null;
  redo_of: number | null;
}

export interface UndoState<Op extends string> {
  undoEntryId: number | null;
  undoOp: Op | null;
  redoEntryId: number | null;
  redoOp: Op | null;
  lastEntryId: number | null;
}

/**
 * The undo and redo stacks, derived from the history in id order: an ordinary change is pushed on the undo stack
 * (and clears the redo stack); an undo entry pops the entry it undid and pushes itself on the redo stack; a redo
 * entry pops that undo entry and pushes itself on the undo stack.
 */
export function stacks(entries: HistoryLink[]): { undo: number[]; redo: number[] } {
  const undo: number[] = [];
  let redo: number[] = [];
  for (const e of entries) {
    if (e.undo_of !== null) {
      const i = undo.lastIndexOf(e.undo_of);
      if (i >= 0) undo.splice(i, 1);
      redo.push(e.id);
    } else if (e.redo_of !== null) {
      const i = redo.lastIndexOf(e.redo_of);
      if (i >= 0) redo.splice(i, 1);
      undo.push(e.id);
    } else {
      undo.push(e.id);
      redo = [];
    }
  }
  return { undo, redo };
}

/** What the next undo and redo would reverse, with the operation names the UI shows ("Undo split"). */
export function undoStateOf<Op extends string>(rows: Array<HistoryLink & { op: string }>): UndoState<Op> {
  const { undo, redo } = stacks(rows);
  const opOf = new Map(rows.map((r) => [r.id, r.op as Op]));
  const u = undo.at(-1) ?? null;
  const r = redo.at(-1) ?? null;
  return {
    undoEntryId: u,
    undoOp: u === null ? null : (opOf.get(u) ?? null),
    redoEntryId: r,
    redoOp: r === null ? null : (opOf.get(r) ?? null),
    lastEntryId: rows.at(-1)?.id ?? null,
  };
}

/**
 * The entry the next undo (or redo) reverses. `precondition` when there is none; `conflict` when the caller names
 * the entry it saw and another window or process has changed the history since, so nothing is reversed blindly.
 * `what` names the edited thing in the message ("review", "subtitles", "clips").
 */
export function undoTarget(rows: HistoryLink[], which: 'undo' | 'redo', expected: number | undefined, what: string): number {
  const st = stacks(rows);
  const target = (which === 'undo' ? st.undo : st.redo).at(-1);
  if (target === undefined) throw new FramewiseError('precondition', which === 'undo' ? 'Nothing to undo' : 'Nothing to redo');
  if (expected !== undefined && expected !== target)
    throw new FramewiseError(
      'conflict',
      `The ${what} of this video changed elsewhere since (the next ${which} is change ${target}, not ${expected}); nothing was changed. Reload and try again.`,
      { expected, actual: target },
    );
  return target;
}
