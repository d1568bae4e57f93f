import type { ReviewState } from '../review/types.js';
import { z } from 'zod';
import { command } from '../capability.js';
import { idSchema as id, frameSchema as frame, videoRefSchema as videoRef } from '../util/schemas.js';
import { resolveVideoRef } from '../library/videos.js';
import { getSegments } from '../segments/store.js';
import {
  addMany,
  addSegment,
  deleteSegments,
  mergeSegments,
  splitSegment,
  updateSegment,
  validateAll,
  relabelSegments,
  validateSegments,
} from './edits.js';
import { redo, undo } from './undo-redo.js';
import { exportSegments, parseImport } from './exchange.js';
import { loadGrid } from './grid.js';
import { listHistory, undoState } from './history.js';
import { activeSegmentsSnapshot } from './active-segments.js';
import { spriteIndex } from './sprites-job.js';

/**
 * Segment review. Bounds are whole frames, half-open [startFrame, endFrame). A segment id is its revision: an
 * edit naming an id that another edit has replaced is refused with a `conflict` error.
 */
export const reviewCommands = {
  'segments.list': command(
    z
      .object({
        video: videoRef,
        labels: z.array(z.string().min(1).max(100)).max(1000).optional(),
        model: z.string().min(1).max(100).optional(),
        sources: z.array(z.enum(['prediction', 'reviewer'])).optional(),
        validatedOnly: z.boolean().optional(),
        includeInactive: z.boolean().optional(),
      })
      .strict(),
    async (s, input) => {
      const db = s.db.reader;
      const videoId = await resolveVideoRef(db, input.video);
      return getSegments(db, videoId, {
        ...(input.labels ? { labels: input.labels } : {}),
        ...(input.model ? { model: input.model } : {}),
        ...(input.sources ? { sources: input.sources } : {}),
        ...(input.validatedOnly ? { validatedOnly: true } : {}),
        ...(input.includeInactive ? { includeInactive: true } : {}),
      });
    },
  ),
  'segments.add': command(
    z
      .object({ video: videoRef, label: z.string().min(1).max(100), startFrame: frame, endFrame: frame, validated: z.boolean().optional() })
      .strict(),
    async (s, { video, ...a }) => {
      return addSegment(s, await resolveVideoRef(s.db.reader, video), a);
    },
  ),
  'segments.update': command(
    z
      .object({
        video: videoRef,
        id,
        startFrame: frame.optional(),
        endFrame: frame.optional(),
        label: z.string().min(1).max(100).optional(),
      })
      .strict(),
    async (s, { video, ...a }) => {
      return updateSegment(s, await resolveVideoRef(s.db.reader, video), a);
    },
  ),
  'segments.split': command(z.object({ video: videoRef, id, frame }).strict(), async (s, { video, ...a }) => {
    return splitSegment(s, await resolveVideoRef(s.db.reader, video), a);
  }),
  'segments.merge': command(z.object({ video: videoRef, ids: z.array(id).min(2).max(1000) }).strict(), async (s, { video, ...a }) => {
    return mergeSegments(s, await resolveVideoRef(s.db.reader, video), a);
  }),
  'segments.delete': command(z.object({ video: videoRef, ids: z.array(id).min(1).max(100000) }).strict(), async (s, { video, ...a }) => {
    return deleteSegments(s, await resolveVideoRef(s.db.reader, video), a);
  }),
  'segments.validate': command(
    z.object({ video: videoRef, ids: z.array(id).min(1).max(100000), validated: z.boolean().optional() }).strict(),
    async (s, { video, ...a }) => {
      return validateSegments(s, await resolveVideoRef(s.db.reader, video), a);
    },
  ),
  /** Move several segments to one label in one edit (one undo step). */
  'segments.relabel': command(
    z.object({ video: videoRef, ids: z.array(id).min(1).max(100000), label: z.string().min(1).max(100) }).strict(),
    async (s, { video, ...a }) => {
      return relabelSegments(s, await resolveVideoRef(s.db.reader, video), a);
    },
  ),
  'segments.validateAll': command(
    z.object({ video: videoRef, label: z.string().min(1).max(100).optional(), validated: z.boolean().optional() }).strict(),
    async (s, { video, ...a }) => {
      return validateAll(s, await resolveVideoRef(s.db.reader, video), a);
    },
  ),
  'segments.undo': command(
    z.object({ video: videoRef, expectedEntryId: id.optional() }).strict(),
    async (s, { video, expectedEntryId }) => {
      return undo(s, await resolveVideoRef(s.db.reader, video), expectedEntryId);
    },
  ),
  'segments.redo': command(
    z.object({ video: videoRef, expectedEntryId: id.optional() }).strict(),
    async (s, { video, expectedEntryId }) => {
      return redo(s, await resolveVideoRef(s.db.reader, video), expectedEntryId);
    },
  ),
  'segments.history': command(
    z.object({ video: videoRef, limit: z.number().int().min(1).max(100000).optional() }).strict(),
    async (s, { video, limit }) => {
      const db = s.db.reader;
      return listHistory(db, await resolveVideoRef(db, video), limit);
    },
  ),
  'segments.export': command(z.object({ video: videoRef, format: z.enum(['json', 'csv']) }).strict(), async (s, { video, format }) => {
    const db = s.db.reader;
    const videoId = await resolveVideoRef(db, video);
    const [segs, g, row] = await Promise.all([
      getSegments(db, videoId),
      loadGrid(db, videoId),
      db.selectFrom('videos').select('name').where('id', '=', videoId).executeTakeFirstOrThrow(),
    ]);
    return {
      text: exportSegments(segs, format, { name: row.name, fps: { num: g.num, den: g.den }, frameCount: g.frameCount }),
      count: segs.length,
    };
  }),
  'segments.import': command(
    z.object({ video: videoRef, format: z.enum(['json', 'csv']), text: z.string().max(50_000_000) }).strict(),
    async (s, { video, format, text }) => {
      const videoId = await resolveVideoRef(s.db.reader, video);
      const items = parseImport(text, format, await loadGrid(s.db.reader, videoId));
      return addMany(s, videoId, items);
    },
  ),
  'review.state': command(z.object({ video: videoRef }).strict(), async (s, { video }) => {
    const db = s.db.reader;
    const videoId = await resolveVideoRef(db, video);
    const [g, undo, runs, sprites] = await Promise.all([
      loadGrid(db, videoId),
      undoState(db, videoId),
      db.selectFrom('prediction_runs').select('labels_json').where('video_id', '=', videoId).orderBy('id', 'desc').execute(),
      spriteIndex(db, videoId),
    ]);
    // The list getSegments returns, read cheaply and kept while the library is unchanged (active-segments.ts); a
    // copy of the array, so a caller in this process may sort it. Progress counts the same active rows.
    const segments = [...activeSegmentsSnapshot(s.db, videoId)];
    let validated = 0;
    for (const seg of segments) if (seg.validated) validated++;
    const progress = { validated, total: segments.length };
    const labels: string[] = [];
    for (const r of runs) for (const l of JSON.parse(r.labels_json) as string[]) if (!labels.includes(l)) labels.push(l);
    for (const s of segments) if (!labels.includes(s.label)) labels.push(s.label);
    const state: ReviewState = {
      videoId,
      fps: { num: g.num, den: g.den },
      frameCount: g.frameCount,
      duration: g.duration,
      segments,
      progress,
      labels,
      sprites,
      ...undo,
    };
    return state;
  }),
  'review.sprites': command(z.object({ video: videoRef }).strict(), async (s, { video }) => {
    const videoId = await resolveVideoRef(s.db.reader, video);
    return s.jobs.enqueue('sprites', { videoId });
  }),
};
