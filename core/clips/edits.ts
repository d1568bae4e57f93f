/**
 * Changes to a video's clips: split at a frame (adds a cut), merge with the neighbour (removes a cut), move a cut,
 * set review states, replace all from a scene detection; undo and redo. The rules are segment review's:
 *  - a clip's id is its revision; a change naming an id that is no longer active was made on a stale view and is
 *    refused with a `conflict` that says who changed it and when (never silently overwriting);
 *  - every change is one append-only history entry written in the same transaction as the change, after taking
 *    the write lock first (so another process's change is seen);
 *  - undo/redo are history entries too; an undo naming an entry that is no longer the next one is refused.
 */
import { sql, type Transaction } from 'kysely';
import { nowIso } from '../db/open.js';
import type { Database } from '../db/schema.js';
import { getVideoRow } from '../library/videos.js';
import { stacks, undoTarget } from '../util/undo-history.js';
import { latestDetection, numberingFps } from '../scenes/store.js';
import type { Services } from '../services.js';
import { FramewiseError } from '../util/errors.js';
import type { Fraction } from '../util/fraction.js';
import { activeRows, clipTables, toClips, type Clip, type ClipOp, type ClipRow, type ClipState, type Db } from './store.js';

type Trx = Transaction<Database>;
type EditServices = Pick<Services, 'db' | 'events' | 'settings'>;

export interface ClipGrid {
  fps: Fraction;
  frameCount: number;
}

export interface ClipHistoryEntry {
  id: number;
  at: string;
  who: string;
  op: ClipOp;
  before: Array<Pick<Clip, 'startFrame' | 'endFrame' | 'state'>>;
  after: Array<Pick<Clip, 'startFrame' | 'endFrame' | 'state'>>;
  undoOf: number | null;
  redoOf: number | null;
}

export interface ClipChange {
  entry: ClipHistoryEntry | null;
  clips: Clip[];
  undoEntryId: number | null;
  redoEntryId: number | null;
}

export async function clipGrid(db: Db, videoId: number): Promise<ClipGrid> {
  const row = await getVideoRow(db, videoId);
  const fps = numberingFps(row);
  const det = await latestDetection(db, videoId);
  const last = det?.scenes[det.scenes.length - 1];
  const frameCount = last?.endFrame ?? row.frame_count ?? Math.max(1, Math.round((row.duration * fps.num) / fps.den));
  return { fps, frameCount };
}

const brief = (r: Pick<ClipRow, 'start_frame' | 'end_frame' | 'state'>) => ({
  startFrame: r.start_frame,
  endFrame: r.end_frame,
  state: r.state,
});

interface NewClip {
  start_frame: number;
  end_frame: number;
  state: ClipState;
}

interface Planned {
  remove: ClipRow[];
  insert: NewClip[];
}

/** Rows by id, each an active clip of the video; else a conflict naming who changed it and when. */
async function requireActive(trx: Trx, videoId: number, ids: number[]): Promise<ClipRow[]> {
  const rows = (await clipTables(trx).selectFrom('clips').selectAll().where('id', 'in', ids).execute()) as ClipRow[];
  const out: ClipRow[] = [];
  for (const id of ids) {
    const r = rows.find((x) => x.id === id);
    if (!r || r.video_id !== videoId)
      throw new FramewiseError('conflict', `Clip ${id} is not a clip of this video (reload and try again)`, { id });
    if (r.retired_by !== null) {
      const by = await clipTables(trx)
        .selectFrom('clip_history')
        .select(['who', 'at', 'op'])
        .where('id', '=', r.retired_by)
        .executeTakeFirst();
      throw new FramewiseError(
        'conflict',
        `Clip ${id} was changed by ${by?.who ?? 'someone'} at ${by?.at ?? '?'} (${by?.op ?? 'change'}); your change was not saved. Reload and try again.`,
        { id, who: by?.who, at: by?.at },
      );
    }
    out.push(r);
  }
  return out;
}

async function apply(
  trx: Trx,
  videoId: number,
  who: string,
  op: ClipOp,
  plan: Planned,
  link: { undoOf?: number; redoOf?: number } = {},
): Promise<number> {
  const now = nowIso();
  const inserted: ClipRow[] = [];
  const entry = await clipTables(trx)
    .insertInto('clip_history')
    .values({
      video_id: videoId,
      at: now,
      who,
      op,
      before_json: JSON.stringify(plan.remove.map(brief)),
      after_json: JSON.stringify(plan.insert.map(brief)),
      inserted_json: '[]',
      removed_json: JSON.stringify(plan.remove.map((r) => r.id)),
      undo_of: link.undoOf ?? null,
      redo_of: link.redoOf ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (plan.remove.length)
    await clipTables(trx)
      .updateTable('clips')
      .set({ retired_by: entry.id })
      .where(
        'id',
        'in',
        plan.remove.map((r) => r.id),
      )
      .where('retired_by', 'is', null)
      .execute();
  for (const c of plan.insert) {
    const row = await clipTables(trx)
      .insertInto('clips')
      .values({ video_id: videoId, ...c, created_at: now, created_by: who, retired_by: null })
      .returningAll()
      .executeTakeFirstOrThrow();
    inserted.push(row as ClipRow);
  }
  await clipTables(trx)
    .updateTable('clip_history')
    .set({ inserted_json: JSON.stringify(inserted.map((r) => r.id)) })
    .where('id', '=', entry.id)
    .execute();
  return entry.id;
}

async function change(
  s: EditServices,
  videoId: number,
  op: ClipOp,
  plan: (trx: Trx, ctx: { g: ClipGrid; active: ClipRow[]; who: string }) => Promise<Planned | null>,
): Promise<ClipChange> {
  const who = (await s.settings()).reviewerName;
  const entryId = await s.db.writer.transaction().execute(async (trx) => {
    await sql`DELETE FROM clip_history WHERE 0`.execute(trx);
    const g = await clipGrid(trx, videoId);
    const p = await plan(trx, { g, active: await activeRows(trx, videoId), who });
    if (!p || (!p.insert.length && !p.remove.length)) return null;
    return apply(trx, videoId, who, op, p);
  });
  return finish(s, videoId, entryId);
}

function toEntry(r: {
  id: number;
  at: string;
  who: string;
  op: string;
  before_json: string;
  after_json: string;
  undo_of: number | null;
  redo_of: number | null;
}): ClipHistoryEntry {
  return {
    id: r.id,
    at: r.at,
    who: r.who,
    op: r.op as ClipOp,
    before: JSON.parse(r.before_json) as ClipHistoryEntry['before'],
    after: JSON.parse(r.after_json) as ClipHistoryEntry['after'],
    undoOf: r.undo_of,
    redoOf: r.redo_of,
  };
}

export async function clipState(db: Db, videoId: number): Promise<Omit<ClipChange, 'entry'>> {
  const g = await clipGrid(db, videoId);
  const rows = await clipTables(db)
    .selectFrom('clip_history')
    .select(['id', 'undo_of', 'redo_of'])
    .where('video_id', '=', videoId)
    .orderBy('id')
    .execute();
  const st = stacks(rows);
  return { clips: toClips(await activeRows(db, videoId), g.fps), undoEntryId: st.undo.at(-1) ?? null, redoEntryId: st.redo.at(-1) ?? null };
}

export async function clipHistory(db: Db, videoId: number): Promise<ClipHistoryEntry[]> {
  const rows = await clipTables(db).selectFrom('clip_history').selectAll().where('video_id', '=', videoId).orderBy('id').execute();
  return rows.map(toEntry);
}

async function finish(s: EditServices, videoId: number, entryId: number | null): Promise<ClipChange> {
  const row =
    entryId === null
      ? null
      : await clipTables(s.db.writer).selectFrom('clip_history').selectAll().where('id', '=', entryId).executeTakeFirst();
  if (row) s.events.emit({ type: 'data.changed', videoId, topic: 'clips' });
  return { entry: row ? toEntry(row) : null, ...(await clipState(s.db.writer, videoId)) };
}

function checkRanges(g: ClipGrid, ranges: Array<{ startFrame: number; endFrame: number }>): void {
  for (const r of ranges)
    if (
      !Number.isInteger(r.startFrame) ||
      !Number.isInteger(r.endFrame) ||
      r.startFrame < 0 ||
      r.endFrame <= r.startFrame ||
      r.endFrame > g.frameCount
    )
      throw new FramewiseError('usage', `A clip must satisfy 0 ≤ start < end ≤ ${g.frameCount}, got [${r.startFrame}, ${r.endFrame})`);
}

/** Replace every clip of the video by these ranges (e.g. the scenes of a detection), all pending review. */
export function replaceClips(
  s: EditServices,
  videoId: number,
  ranges: Array<{ startFrame: number; endFrame: number }>,
): Promise<ClipChange> {
  return change(s, videoId, 'detect', async (_trx, { g, active }) => {
    checkRanges(g, ranges);
    return { remove: active, insert: ranges.map((r) => ({ start_frame: r.startFrame, end_frame: r.endFrame, state: 'pending' as const })) };
  });
}

export function splitClip(s: EditServices, videoId: number, a: { id: number; frame: number }): Promise<ClipChange> {
  return change(s, videoId, 'split', async (trx) => {
    const [r] = await requireActive(trx, videoId, [a.id]);
    if (!Number.isInteger(a.frame) || a.frame <= r!.start_frame || a.frame >= r!.end_frame)
      throw new FramewiseError('usage', `Split frame ${a.frame} is not inside clip [${r!.start_frame}, ${r!.end_frame})`);
    return {
      remove: [r!],
      insert: [
        { start_frame: r!.start_frame, end_frame: a.frame, state: r!.state },
        { start_frame: a.frame, end_frame: r!.end_frame, state: r!.state },
      ],
    };
  });
}

/** Merge two neighbouring clips into one (removes the cut between them). */
export function mergeClips(s: EditServices, videoId: number, a: { ids: [number, number] }): Promise<ClipChange> {
  return change(s, videoId, 'merge', async (trx, { active }) => {
    const rows = (await requireActive(trx, videoId, [...new Set(a.ids)])).sort((x, y) => x.start_frame - y.start_frame);
    if (rows.length !== 2) throw new FramewiseError('usage', 'Merging needs two different clips');
    const i = active.findIndex((r) => r.id === rows[0]!.id);
    if (active[i + 1]?.id !== rows[1]!.id) throw new FramewiseError('usage', 'Only neighbouring clips can be merged');
    const state = rows[0]!.state === rows[1]!.state ? rows[0]!.state : 'pending';
    return { remove: rows, insert: [{ start_frame: rows[0]!.start_frame, end_frame: rows[1]!.end_frame, state }] };
  });
}

/** Move the cut between two neighbouring clips to `frame` (the second clip starts there). */
export function moveCut(s: EditServices, videoId: number, a: { leftId: number; rightId: number; frame: number }): Promise<ClipChange> {
  return change(s, videoId, 'move', async (trx) => {
    const [l, r] = await requireActive(trx, videoId, [a.leftId, a.rightId]);
    if (l!.end_frame !== r!.start_frame) throw new FramewiseError('usage', 'A cut lies between two neighbouring clips');
    if (!Number.isInteger(a.frame) || a.frame <= l!.start_frame || a.frame >= r!.end_frame)
      throw new FramewiseError('usage', `The cut must stay inside [${l!.start_frame + 1}, ${r!.end_frame - 1}], got ${a.frame}`);
    if (a.frame === l!.end_frame) return null;
    return {
      remove: [l!, r!],
      insert: [
        { start_frame: l!.start_frame, end_frame: a.frame, state: l!.state },
        { start_frame: a.frame, end_frame: r!.end_frame, state: r!.state },
      ],
    };
  });
}

export function setClipStates(s: EditServices, videoId: number, a: { ids: number[] | 'all'; state: ClipState }): Promise<ClipChange> {
  return change(s, videoId, 'state', async (trx, { active }) => {
    const rows = a.ids === 'all' ? active : await requireActive(trx, videoId, [...new Set(a.ids)]);
    const changing = rows.filter((r) => r.state !== a.state);
    return { remove: changing, insert: changing.map((r) => ({ start_frame: r.start_frame, end_frame: r.end_frame, state: a.state })) };
  });
}

async function undoRedo(s: EditServices, videoId: number, which: 'undo' | 'redo', expected?: number): Promise<ClipChange> {
  const who = (await s.settings()).reviewerName;
  const entryId = await s.db.writer.transaction().execute(async (trx) => {
    await sql`DELETE FROM clip_history WHERE 0`.execute(trx);
    const rows = await clipTables(trx)
      .selectFrom('clip_history')
      .select(['id', 'undo_of', 'redo_of'])
      .where('video_id', '=', videoId)
      .orderBy('id')
      .execute();
    const target = undoTarget(rows, which, expected, 'clips');
    const t = await clipTables(trx).selectFrom('clip_history').selectAll().where('id', '=', target).executeTakeFirstOrThrow();
    const inserted = JSON.parse(t.inserted_json) as number[];
    const removed = JSON.parse(t.removed_json) as number[];
    const current = inserted.length ? await requireActive(trx, videoId, inserted) : [];
    const restore = removed.length
      ? ((await clipTables(trx).selectFrom('clips').selectAll().where('id', 'in', removed).orderBy('start_frame').execute()) as ClipRow[])
      : [];
    // What comes back must not overlap what is active now (other than what this reverses).
    const others = (await activeRows(trx, videoId)).filter((r) => !inserted.includes(r.id));
    for (const r of restore)
      if (others.some((o) => o.start_frame < r.end_frame && r.start_frame < o.end_frame))
        throw new FramewiseError(
          'conflict',
          `Frames ${r.start_frame}–${r.end_frame} were changed elsewhere since; this cannot be ${which === 'undo' ? 'undone' : 'redone'}. Reload and try again.`,
        );
    return apply(
      trx,
      videoId,
      who,
      which,
      { remove: current, insert: restore.map((r) => ({ start_frame: r.start_frame, end_frame: r.end_frame, state: r.state })) },
      which === 'undo' ? { undoOf: target } : { redoOf: target },
    );
  });
  return finish(s, videoId, entryId);
}

export const undoClips = (s: EditServices, videoId: number, expected?: number) => undoRedo(s, videoId, 'undo', expected);
export const redoClips = (s: EditServices, videoId: number, expected?: number) => undoRedo(s, videoId, 'redo', expected);
