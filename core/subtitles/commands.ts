import { z } from 'zod';
import { command } from '../capability.js';
import { resolveVideoRef } from '../library/videos.js';
import { getVideoRow } from '../library/videos.js';
import type { Services } from '../services.js';
import { checkCues, defaultRules } from './checks.js';
import { listHistory, redoSubtitles, undoSubtitles } from './edits.js';
import { exportTrackText, importEmbedded, importSubtitleBytes, importSubtitleFile, listEmbedded } from './io.js';
import {
  addCue,
  addCuesFromSpeech,
  deleteCues,
  enforceCues,
  mergeCues,
  shiftCues,
  snapCues,
  splitCue,
  stretchCues,
  updateCue,
} from './ops.js';
import { renderPreview } from './preview.js';
import { createTrack, getCues, listTracks, resolveTrack, updateTrack } from './store.js';
import { burnStyleNames, burnStyleSchema } from './styles.js';
import { speechFor } from './speech.js';
import { subDb } from './tables.js';
import { undoState } from './edits.js';
import { FramewiseError } from '../util/errors.js';
import { exportFormats, languageSchema, subtitleFormats, trackKinds, type StoredCue } from './types.js';

const id = z.number().int().positive();
const videoRef = z.union([id, z.string().min(1)]);
const ms = z
  .number()
  .int()
  .min(0)
  .max(2 ** 40);
const meta = {
  language: languageSchema.optional(),
  title: z.string().max(200).nullable().optional(),
  kind: z.enum(trackKinds).optional(),
};
const speech = z.array(z.object({ startMs: ms, endMs: ms }).strict()).max(100_000);
const anchor = z.object({ fromMs: ms, toMs: ms }).strict();
const ids = z.array(id).min(1).max(100_000);

const video = (s: Services, ref: string | number) => resolveVideoRef(s.db.reader, ref);
const track = async (s: Services, ref: string | number, t?: number) => {
  const videoId = await video(s, ref);
  return { videoId, trackId: (await resolveTrack(s.db.reader, videoId, t)).id };
};

export const subtitleCommands = {
  /** Stored tracks and the subtitle streams inside the file. */
  'subtitles.list': command(z.object({ video: videoRef }).strict(), async (s, a) => {
    const videoId = await video(s, a.video);
    const [tracks, embedded] = await Promise.all([listTracks(s.db.reader, videoId), listEmbedded(s, videoId)]);
    return { videoId, tracks, embedded };
  }),
  'subtitles.import': command(
    z.object({ video: videoRef, path: z.string().min(1).max(4096), format: z.enum(subtitleFormats).optional(), ...meta }).strict(),
    async (s, a) => importSubtitleFile(s, await video(s, a.video), a.path, a),
  ),
  /** The same, from the file's bytes (base64) — the app reads a picked file itself, in the browser too. */
  'subtitles.importContent': command(
    z
      .object({
        video: videoRef,
        name: z.string().min(1).max(300),
        base64: z.string().max(14_000_000),
        format: z.enum(subtitleFormats).optional(),
        ...meta,
      })
      .strict(),
    async (s, a) => importSubtitleBytes(s, await video(s, a.video), Buffer.from(a.base64, 'base64'), a.name, a),
  ),
  'subtitles.importStream': command(z.object({ video: videoRef, stream: z.number().int().min(0), ...meta }).strict(), async (s, a) =>
    importEmbedded(s, await video(s, a.video), a.stream, a),
  ),
  /** A new empty track made here (to type into, or to fill from speech). */
  'subtitles.create': command(z.object({ video: videoRef, ...meta }).strict(), async (s, a) =>
    createTrack(s.db.writer, {
      videoId: await video(s, a.video),
      language: a.language ?? null,
      title: a.title ?? null,
      kind: a.kind ?? 'subtitles',
      source: 'made',
      origin: null,
      format: null,
      encoding: null,
      assHeader: null,
      cues: [],
      who: (await s.settings()).reviewerName,
    }),
  ),
  'subtitles.updateTrack': command(
    z.object({ video: videoRef, track: id, ...meta, reviewed: z.boolean().optional() }).strict(),
    async (s, a) => {
      const { video: ref, track: t, ...patch } = a;
      return updateTrack(s.db.writer, await video(s, ref), t, patch);
    },
  ),
  'subtitles.deleteTrack': command(z.object({ video: videoRef, track: id }).strict(), async (s, a) => {
    await updateTrack(s.db.writer, await video(s, a.video), a.track, { deleted: true });
    return { deleted: a.track };
  }),
  /** Everything the subtitle lane needs: tracks, their cues, warnings and the undo state. */
  'subtitles.state': command(z.object({ video: videoRef }).strict(), async (s, a) => {
    const videoId = await video(s, a.video);
    const v = await getVideoRow(s.db.reader, videoId);
    const tracks = await listTracks(s.db.reader, videoId);
    const cues: Record<number, StoredCue[]> = {};
    for (const t of tracks) cues[t.id] = await getCues(s.db.reader, t.id);
    return {
      videoId,
      durationMs: Math.round(v.duration * 1000),
      fps: v.fps_num && v.fps_den ? { num: v.fps_num, den: v.fps_den } : null,
      tracks,
      cues,
      ...(await undoState(subDb(s.db.reader), videoId)),
    };
  }),
  'subtitles.cues': command(z.object({ video: videoRef, track: id.optional() }).strict(), async (s, a) => {
    const { videoId, trackId } = await track(s, a.video, a.track);
    return { videoId, trackId, cues: await getCues(s.db.reader, trackId) };
  }),
  'subtitles.check': command(
    z
      .object({
        video: videoRef,
        track: id.optional(),
        maxCharsPerSecond: z.number().positive().max(100).optional(),
        maxLineLength: z.number().int().positive().max(500).optional(),
        minGapMs: z.number().int().min(0).max(10_000).optional(),
      })
      .strict(),
    async (s, a) => {
      const { trackId } = await track(s, a.video, a.track);
      const rules = {
        ...defaultRules,
        ...(a.maxCharsPerSecond ? { maxCharsPerSecond: a.maxCharsPerSecond } : {}),
        ...(a.maxLineLength ? { maxLineLength: a.maxLineLength } : {}),
        ...(a.minGapMs !== undefined ? { minGapMs: a.minGapMs } : {}),
      };
      return { trackId, rules, warnings: checkCues(await getCues(s.db.reader, trackId), rules) };
    },
  ),
  'subtitles.add': command(
    z
      .object({
        video: videoRef,
        track: id,
        startMs: ms,
        endMs: ms,
        text: z.string().max(2000),
        align: z.number().int().min(1).max(9).nullable().optional(),
      })
      .strict(),
    async (s, { video: v, track: t, ...c }) => addCue(s, await video(s, v), t, c),
  ),
  'subtitles.update': command(
    z
      .object({
        video: videoRef,
        track: id,
        id,
        startMs: ms.optional(),
        endMs: ms.optional(),
        text: z.string().max(2000).optional(),
        align: z.number().int().min(1).max(9).nullable().optional(),
      })
      .strict(),
    async (s, { video: v, track: t, ...c }) => updateCue(s, await video(s, v), t, c),
  ),
  'subtitles.split': command(z.object({ video: videoRef, track: id, id, atMs: ms }).strict(), async (s, { video: v, track: t, ...c }) =>
    splitCue(s, await video(s, v), t, c),
  ),
  'subtitles.merge': command(z.object({ video: videoRef, track: id, ids }).strict(), async (s, { video: v, track: t, ...c }) =>
    mergeCues(s, await video(s, v), t, c),
  ),
  'subtitles.delete': command(z.object({ video: videoRef, track: id, ids }).strict(), async (s, { video: v, track: t, ...c }) =>
    deleteCues(s, await video(s, v), t, c),
  ),
  'subtitles.shift': command(
    z
      .object({
        video: videoRef,
        track: id.optional(),
        offsetMs: z
          .number()
          .int()
          .min(-(2 ** 40))
          .max(2 ** 40),
        ids: ids.optional(),
      })
      .strict(),
    async (s, a) => {
      const { videoId, trackId } = await track(s, a.video, a.track);
      return shiftCues(s, videoId, trackId, { offsetMs: a.offsetMs, ...(a.ids ? { ids: a.ids } : {}) });
    },
  ),
  'subtitles.stretch': command(
    z.object({ video: videoRef, track: id.optional(), anchors: z.tuple([anchor, anchor]), ids: ids.optional() }).strict(),
    async (s, a) => {
      const { videoId, trackId } = await track(s, a.video, a.track);
      return stretchCues(s, videoId, trackId, { anchors: a.anchors, ...(a.ids ? { ids: a.ids } : {}) });
    },
  ),
  /** Fix what the warnings allow: lengthen cues read too fast, keep the minimum gap (one undoable change). */
  'subtitles.enforce': command(
    z
      .object({
        video: videoRef,
        track: id.optional(),
        maxCharsPerSecond: z.number().positive().max(100).optional(),
        minGapMs: z.number().int().min(0).max(10_000).optional(),
      })
      .strict(),
    async (s, a) => {
      const { videoId, trackId } = await track(s, a.video, a.track);
      return enforceCues(s, videoId, trackId, {
        maxCharsPerSecond: a.maxCharsPerSecond ?? defaultRules.maxCharsPerSecond,
        minGapMs: a.minGapMs ?? defaultRules.minGapMs,
      });
    },
  ),
  /** Snap cue edges to speech boundaries (`speech`, else the video's `speech` segments: see speech.ts). */
  'subtitles.snap': command(
    z
      .object({
        video: videoRef,
        track: id.optional(),
        speech: speech.optional(),
        toleranceMs: z.number().int().min(1).max(5000).default(300),
        ids: ids.optional(),
      })
      .strict(),
    async (s, a) => {
      const { videoId, trackId } = await track(s, a.video, a.track);
      return snapCues(s, videoId, trackId, {
        speech: await speechFor(s.db.reader, videoId, a.speech),
        toleranceMs: a.toleranceMs,
        ...(a.ids ? { ids: a.ids } : {}),
      });
    },
  ),
  /** Empty timed cues from speech segments, as a start for typing a transcript. */
  'subtitles.fromSpeech': command(
    z
      .object({ video: videoRef, track: id.optional(), speech: speech.optional(), maxMs: z.number().int().min(500).max(60_000).optional() })
      .strict(),
    async (s, a) => {
      const { videoId, trackId } = await track(s, a.video, a.track);
      return addCuesFromSpeech(s, videoId, trackId, {
        speech: await speechFor(s.db.reader, videoId, a.speech),
        ...(a.maxMs ? { maxMs: a.maxMs } : {}),
      });
    },
  ),
  'subtitles.undo': command(z.object({ video: videoRef, expectedEntryId: id.optional() }).strict(), async (s, a) =>
    undoSubtitles(s, await video(s, a.video), a.expectedEntryId),
  ),
  'subtitles.redo': command(z.object({ video: videoRef, expectedEntryId: id.optional() }).strict(), async (s, a) =>
    redoSubtitles(s, await video(s, a.video), a.expectedEntryId),
  ),
  'subtitles.history': command(
    z.object({ video: videoRef, limit: z.number().int().min(1).max(10_000).optional() }).strict(),
    async (s, a) => listHistory(subDb(s.db.reader), await video(s, a.video), a.limit),
  ),
  'subtitles.export': command(z.object({ video: videoRef, track: id.optional(), format: z.enum(exportFormats) }).strict(), async (s, a) => {
    const { videoId, trackId } = await track(s, a.video, a.track);
    return { trackId, format: a.format, text: await exportTrackText(s, videoId, trackId, a.format) };
  }),
  'subtitles.mux': command(
    z
      .object({
        video: videoRef,
        tracks: z.array(id).min(1).max(50).optional(),
        output: z.string().min(1).max(4096),
        anonymizedExport: id.optional(),
      })
      .strict(),
    async (s, a) => {
      const videoId = await video(s, a.video);
      const trackIds = a.tracks ?? (await listTracks(s.db.reader, videoId)).map((t) => t.id);
      if (a.anonymizedExport !== undefined && !a.tracks)
        throw new FramewiseError('usage', 'Keeping subtitles in an anonymized export needs the reviewed track(s) named explicitly');
      return s.jobs.enqueue('subtitles.mux', {
        videoId,
        trackIds,
        output: a.output,
        ...(a.anonymizedExport ? { anonymizedExport: a.anonymizedExport } : {}),
      });
    },
  ),
  'subtitles.burn': command(
    z.object({ video: videoRef, track: id.optional(), output: z.string().min(1).max(4096), style: burnStyleSchema.optional() }).strict(),
    async (s, a) => {
      const { videoId, trackId } = await track(s, a.video, a.track);
      return s.jobs.enqueue('subtitles.burn', { videoId, trackId, output: a.output, style: a.style ?? 'default' });
    },
  ),
  /** One frame with the track drawn in a style, as a PNG data URL (the burn-in dialog's preview). */
  'subtitles.preview': command(
    z.object({ video: videoRef, track: id.optional(), style: burnStyleSchema.optional(), timeMs: ms.optional() }).strict(),
    async (s, a) => {
      const { videoId, trackId } = await track(s, a.video, a.track);
      return renderPreview(s, videoId, trackId, a.style ?? 'default', a.timeMs);
    },
  ),
  'subtitles.styles': command(z.object({}).strict(), async () => ({ styles: burnStyleNames })),
};
