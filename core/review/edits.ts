/**
 * Reviewer edits of a video's segments. Rules (see the segments migration):
 *  - Rows are never changed in place. An edit inserts reviewer rows that supersede the rows they replace; a
 *    deletion inserts a tombstone (deleted = 1) superseding the row. Prediction rows therefore stay as they were.
 *  - A segment's id is its revision: every change produces new ids, so an edit naming an id that is no longer
 *    active was made on a stale view and is refused with a `conflict` error (never silently overwriting).
 *  - Every change writes one append-only history entry (who, when, op, before, after) in the same transaction;
 *    undo/redo reverse an entry by removing the rows it inserted and re-inserting the rows it removed (same ids).
 *  - Bounds are whole frames, half-open [startFrame, endFrame), on the video's exact fps fraction.
 */
import type { ReviewChange, SegmentOp } from '../review/types.js';
import { activeSegments, toSegment } from '../segments/store.js';
import { FramewiseError } from '../util/errors.js';
import { checkRange, frameTime, loadGrid, type FrameGrid } from './grid.js';
import { finish, lockForWrite, requireActive, type EditServices, type NewRow, type Row, type Trx } from './edit-rows.js';
import { segmentTables, type HistoryRow } from './history.js';
import type { Database } from '../db/schema.js';
import { recordEdit } from '../db/edit-history.js';
import { nowIso } from '../db/open.js';

interface Planned {
  /** Active rows this change replaces. */
  before: Row[];
  /** Rows to insert (reviewer rows and tombstones). */
  insert: NewRow[];
}

/** A reviewer row replacing `r` with some fields changed; bounds are re-derived from frames. */
function successor(
  g: FrameGrid,
  r: Row,
  who: string,
  now: string,
  patch: Partial<Pick<Row, 'label' | 'start_frame' | 'end_frame' | 'validated' | 'deleted'>>,
): NewRow {
  const startFrame = patch.start_frame ?? r.start_frame;
  const endFrame = patch.end_frame ?? r.end_frame;
  const boundsChanged = startFrame !== r.start_frame || endFrame !== r.end_frame || (patch.label !== undefined && patch.label !== r.label);
  return {
    video_id: r.video_id,
    label: patch.label ?? r.label,
    start_frame: startFrame,
    end_frame: endFrame,
    start_time: startFrame === r.start_frame ? r.start_time : frameTime(g, startFrame),
    end_time: endFrame === r.end_frame ? r.end_time : frameTime(g, endFrame),
    source: 'reviewer',
    model: r.model,
    model_version: r.model_version,
    run_id: r.run_id,
    params_json: r.params_json,
    // Scores describe the predicted range; once a person changes the range or label they no longer apply.
    mean_score: boundsChanged ? null : r.mean_score,
    max_score: boundsChanged ? null : r.max_score,
    validated: patch.validated ?? r.validated,
    supersedes_id: r.id,
    deleted: patch.deleted ?? 0,
    created_at: now,
    updated_at: now,
    created_by: who,
  };
}

function fresh(
  g: FrameGrid,
  videoId: number,
  label: string,
  startFrame: number,
  endFrame: number,
  validated: boolean,
  who: string,
  now: string,
): NewRow {
  return {
    video_id: videoId,
    label,
    start_frame: startFrame,
    end_frame: endFrame,
    start_time: frameTime(g, startFrame),
    end_time: frameTime(g, endFrame),
    source: 'reviewer',
    model: null,
    model_version: null,
    run_id: null,
    params_json: null,
    mean_score: null,
    max_score: null,
    validated: validated ? 1 : 0,
    supersedes_id: null,
    deleted: 0,
    created_at: now,
    updated_at: now,
    created_by: who,
  };
}

/** Run one edit: plan it against the current rows, insert, record the history entry, publish the change. */
async function edit(
  s: EditServices,
  videoId: number,
  op: SegmentOp,
  plan: (trx: Trx, ctx: { g: FrameGrid; who: string; now: string }) => Promise<Planned>,
): Promise<ReviewChange> {
  const who = (await s.settings()).reviewerName;
  const result = await s.db.writer.transaction().execute(async (trx) => {
    await lockForWrite(trx);
    const g = await loadGrid(trx, videoId);
    const planned = await plan(trx, { g, who, now: nowIso() });
    const entry = { videoId, scopeId: videoId, who, op, before: planned.before, insert: planned.insert };
    return recordEdit<Database, Row, HistoryRow>(trx, segmentTables, entry, toSegment);
  });
  return finish(s, videoId, result);
}

function checkLabel(label: string): string {
  const l = label.trim();
  if (!l || l.length > 100) throw new FramewiseError('usage', `A label must be 1–100 characters, got "${label}"`);
  return l;
}

export async function addSegment(
  s: EditServices,
  videoId: number,
  a: { label: string; startFrame: number; endFrame: number; validated?: boolean },
): Promise<ReviewChange> {
  return edit(s, videoId, 'add', async (_trx, { g, who, now }) => {
    checkRange(g, a.startFrame, a.endFrame);
    return { before: [], insert: [fresh(g, videoId, checkLabel(a.label), a.startFrame, a.endFrame, a.validated ?? false, who, now)] };
  });
}

/** Move, resize or relabel one segment (`id` is the revision the caller saw). */
export async function updateSegment(
  s: EditServices,
  videoId: number,
  a: { id: number; startFrame?: number; endFrame?: number; label?: string },
): Promise<ReviewChange> {
  return edit(s, videoId, 'update', async (trx, { g, who, now }) => {
    const [r] = await requireActive(trx, videoId, [a.id]);
    const start = a.startFrame ?? r!.start_frame;
    const end = a.endFrame ?? r!.end_frame;
    checkRange(g, start, end);
    const label = a.label === undefined ? r!.label : checkLabel(a.label);
    if (start === r!.start_frame && end === r!.end_frame && label === r!.label) return { before: [], insert: [] };
    return { before: [r!], insert: [successor(g, r!, who, now, { start_frame: start, end_frame: end, label })] };
  });
}

/** Split one segment at `frame` into [start, frame) and [frame, end). */
export async function splitSegment(s: EditServices, videoId: number, a: { id: number; frame: number }): Promise<ReviewChange> {
  return edit(s, videoId, 'split', async (trx, { g, who, now }) => {
    const [r] = await requireActive(trx, videoId, [a.id]);
    if (!Number.isInteger(a.frame) || a.frame <= r!.start_frame || a.frame >= r!.end_frame)
      throw new FramewiseError('usage', `Split frame ${a.frame} is not inside segment ${a.id} [${r!.start_frame}, ${r!.end_frame})`);
    return {
      before: [r!],
      insert: [successor(g, r!, who, now, { end_frame: a.frame }), successor(g, r!, who, now, { start_frame: a.frame })],
    };
  });
}

/** Merge segments of one label into one covering all of them (the first keeps the lineage; the others get tombstones). */
export async function mergeSegments(s: EditServices, videoId: number, a: { ids: number[] }): Promise<ReviewChange> {
  return edit(s, videoId, 'merge', async (trx, { g, who, now }) => {
    const ids = [...new Set(a.ids)];
    if (ids.length < 2) throw new FramewiseError('usage', 'Merging needs at least two segments');
    const rows = (await requireActive(trx, videoId, ids)).sort((x, y) => x.start_frame - y.start_frame || x.id - y.id);
    const labels = new Set(rows.map((r) => r.label));
    if (labels.size > 1) throw new FramewiseError('usage', `Only segments of one label can be merged (got ${[...labels].join(', ')})`);
    const start = Math.min(...rows.map((r) => r.start_frame));
    const end = Math.max(...rows.map((r) => r.end_frame));
    const validated = rows.every((r) => r.validated === 1) ? 1 : 0;
    const [first, ...rest] = rows;
    return {
      before: rows,
      insert: [
        successor(g, first!, who, now, { start_frame: start, end_frame: end, validated }),
        ...rest.map((r) => successor(g, r, who, now, { deleted: 1 })),
      ],
    };
  });
}

export async function deleteSegments(s: EditServices, videoId: number, a: { ids: number[] }): Promise<ReviewChange> {
  return edit(s, videoId, 'delete', async (trx, { g, who, now }) => {
    const rows = await requireActive(trx, videoId, [...new Set(a.ids)]);
    return { before: rows, insert: rows.map((r) => successor(g, r, who, now, { deleted: 1 })) };
  });
}

/** Validate (or unvalidate) the given segments; already-validated ones are left alone. */
export async function validateSegments(s: EditServices, videoId: number, a: { ids: number[]; validated?: boolean }): Promise<ReviewChange> {
  const value = a.validated === false ? 0 : 1;
  return edit(s, videoId, value ? 'validate' : 'unvalidate', async (trx, { g, who, now }) => {
    const rows = (await requireActive(trx, videoId, [...new Set(a.ids)])).filter((r) => r.validated !== value);
    return { before: rows, insert: rows.map((r) => successor(g, r, who, now, { validated: value })) };
  });
}

/** Move the given segments to one label as ONE edit (one history entry, one undo step); same-label ones stay. */
export async function relabelSegments(s: EditServices, videoId: number, a: { ids: number[]; label: string }): Promise<ReviewChange> {
  const label = checkLabel(a.label);
  return edit(s, videoId, 'update', async (trx, { g, who, now }) => {
    const rows = (await requireActive(trx, videoId, [...new Set(a.ids)])).filter((r) => r.label !== label);
    return { before: rows, insert: rows.map((r) => successor(g, r, who, now, { label })) };
  });
}

/** Validate (or unvalidate) every active segment of the video, or of one label (one lane). */
export async function validateAll(s: EditServices, videoId: number, a: { label?: string; validated?: boolean }): Promise<ReviewChange> {
  const value = a.validated === false ? 0 : 1;
  return edit(s, videoId, value ? 'validate' : 'unvalidate', async (trx, { g, who, now }) => {
    let q = activeSegments(trx).selectAll('s').where('s.video_id', '=', videoId).where('s.validated', '!=', value);
    if (a.label !== undefined) q = q.where('s.label', '=', a.label);
    const rows = await q.orderBy('s.id').execute();
    return { before: rows, insert: rows.map((r) => successor(g, r, who, now, { validated: value })) };
  });
}

/** Add many segments at once (import): one history entry. Segments equal to an active one are skipped. */
export async function addMany(
  s: EditServices,
  videoId: number,
  items: Array<{ label: string; startFrame: number; endFrame: number; validated: boolean }>,
): Promise<ReviewChange & { added: number; skipped: number }> {
  let skipped = 0;
  const change = await edit(s, videoId, 'import', async (trx, { g, who, now }) => {
    const active = await activeSegments(trx)
      .select(['s.label', 's.start_frame', 's.end_frame'])
      .where('s.video_id', '=', videoId)
      .execute();
    const seen = new Set(active.map((r) => `${r.label}\u0000${r.start_frame}\u0000${r.end_frame}`));
    const insert: NewRow[] = [];
    for (const it of items) {
      checkRange(g, it.startFrame, it.endFrame);
      const label = checkLabel(it.label);
      const key = `${label}\u0000${it.startFrame}\u0000${it.endFrame}`;
      if (seen.has(key)) {
        skipped++;
        continue;
      }
      seen.add(key);
      insert.push(fresh(g, videoId, label, it.startFrame, it.endFrame, it.validated, who, now));
    }
    return { before: [], insert };
  });
  return { ...change, added: change.entry?.after.length ?? 0, skipped };
}
