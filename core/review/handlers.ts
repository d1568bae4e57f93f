import type { ReviewState } from '../api/types.js';
import type { PartialHandlers } from '../handlers.js';
import { resolveVideoRef } from '../library/videos.js';
import { getSegments } from '../predict/segment-store.js';
import {
  addMany,
  addSegment,
  deleteSegments,
  mergeSegments,
  redo,
  relabelSegments,
  splitSegment,
  undo,
  updateSegment,
  validateAll,
  validateSegments,
} from './edits.js';
import { exportSegments, parseImport } from './exchange.js';
import { loadGrid } from './grid.js';
import { listHistory, undoState } from './history.js';
import { reviewProgress } from './progress.js';
import { spriteIndex } from './sprites-job.js';

type ReviewCommands =
  | 'segments.add'
  | 'segments.update'
  | 'segments.split'
  | 'segments.merge'
  | 'segments.delete'
  | 'segments.validate'
  | 'segments.relabel'
  | 'segments.validateAll'
  | 'segments.undo'
  | 'segments.redo'
  | 'segments.history'
  | 'segments.export'
  | 'segments.import'
  | 'review.state'
  | 'review.sprites';

export const reviewHandlers: PartialHandlers<ReviewCommands> = {
  async 'segments.add'(core, { video, ...a }) {
    return addSegment(core.services, await resolveVideoRef(core.services.db.reader, video), a);
  },
  async 'segments.update'(core, { video, ...a }) {
    return updateSegment(core.services, await resolveVideoRef(core.services.db.reader, video), a);
  },
  async 'segments.split'(core, { video, ...a }) {
    return splitSegment(core.services, await resolveVideoRef(core.services.db.reader, video), a);
  },
  async 'segments.merge'(core, { video, ...a }) {
    return mergeSegments(core.services, await resolveVideoRef(core.services.db.reader, video), a);
  },
  async 'segments.delete'(core, { video, ...a }) {
    return deleteSegments(core.services, await resolveVideoRef(core.services.db.reader, video), a);
  },
  async 'segments.validate'(core, { video, ...a }) {
    return validateSegments(core.services, await resolveVideoRef(core.services.db.reader, video), a);
  },
  async 'segments.relabel'(core, { video, ...a }) {
    return relabelSegments(core.services, await resolveVideoRef(core.services.db.reader, video), a);
  },
  async 'segments.validateAll'(core, { video, ...a }) {
    return validateAll(core.services, await resolveVideoRef(core.services.db.reader, video), a);
  },
  async 'segments.undo'(core, { video, expectedEntryId }) {
    return undo(core.services, await resolveVideoRef(core.services.db.reader, video), expectedEntryId);
  },
  async 'segments.redo'(core, { video, expectedEntryId }) {
    return redo(core.services, await resolveVideoRef(core.services.db.reader, video), expectedEntryId);
  },
  async 'segments.history'(core, { video, limit }) {
    const db = core.services.db.reader;
    return listHistory(db, await resolveVideoRef(db, video), limit);
  },
  async 'segments.export'(core, { video, format }) {
    const db = core.services.db.reader;
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
  },
  async 'segments.import'(core, { video, format, text }) {
    const videoId = await resolveVideoRef(core.services.db.reader, video);
    const items = parseImport(text, format, await loadGrid(core.services.db.reader, videoId));
    return addMany(core.services, videoId, items);
  },
  async 'review.state'(core, { video }) {
    const db = core.services.db.reader;
    const videoId = await resolveVideoRef(db, video);
    const [g, segments, progress, undo, runs, sprites] = await Promise.all([
      loadGrid(db, videoId),
      getSegments(db, videoId),
      reviewProgress(db, videoId),
      undoState(db, videoId),
      db.selectFrom('prediction_runs').select('labels_json').where('video_id', '=', videoId).orderBy('id', 'desc').execute(),
      spriteIndex(db, videoId),
    ]);
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
  },
  async 'review.sprites'(core, { video }) {
    const s = core.services;
    const videoId = await resolveVideoRef(s.db.reader, video);
    return s.jobs.enqueue('sprites', { videoId });
  },
};
