/**
 * Durable jobs: mux soft subtitle tracks into a copy of the video (no re-encoding) and burn one track into
 * the picture. Both write to a hidden temp file next to the output and rename it only when ffmpeg succeeded;
 * an existing output is never replaced.
 */
import { access, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { videoStartOf } from '../ffmpeg/file-time.js';
import { burnSubtitles, muxSubtitles, type MuxTrack } from '../ffmpeg/subtitles.js';
import { defineJobKind, type JobContext } from '../jobs/kind.js';
import { requireProbedVideo } from '../library/video-jobs.js';
import type { Services } from '../services.js';
import { FramewiseError } from '../util/errors.js';
import { writeAtomically } from '../util/fs.js';
import { anonymizedSource, mapThroughKept, requireReviewed } from './anonymized.js';
import { writeAss } from './formats/ass.js';
import { writeSrt } from './formats/srt.js';
import { toContainerLanguage } from './io.js';
import { getCues, getTrackRow } from './store.js';
import { burnAss, burnStyles, burnStyleSchema, fontsDir } from './styles.js';
import { subDb } from './tables.js';
import type { Cue } from './types.js';

const id = z.number().int().positive();
const outputPath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => path.isAbsolute(p), 'the output must be an absolute path');

export const muxInput = z
  .object({
    videoId: id,
    trackIds: z.array(id).min(1).max(50),
    output: outputPath,
    /** Mux into a copy of this verified anonymized export instead (reviewed tracks only, cues mapped through its cuts). */
    anonymizedExport: id.optional(),
  })
  .strict();
export const burnInput = z.object({ videoId: id, trackId: id, output: outputPath, style: burnStyleSchema.default('default') }).strict();
const fileOutput = z.object({ output: z.string(), tracks: z.number().int() });

async function refuseExisting(output: string): Promise<void> {
  const exists = await access(output).then(
    () => true,
    () => false,
  );
  if (exists) throw new FramewiseError('precondition', `${output} already exists; choose another name (files are never replaced)`);
}

function containerOf(output: string): 'mkv' | 'mp4' {
  const ext = path.extname(output).toLowerCase();
  if (ext === '.mkv') return 'mkv';
  if (ext === '.mp4' || ext === '.m4v' || ext === '.mov') return 'mp4';
  throw new FramewiseError('usage', `${output}: soft subtitles can be muxed into .mkv (SRT/ASS) or .mp4 (mov_text)`);
}

function progressOf(ctx: JobContext, durationS: number, stage: string) {
  return (p: { outTime: number }) => ctx.progress(durationS > 0 ? Math.min(0.99, p.outTime / durationS) : 0, stage);
}

async function checkTracks(s: Services, videoId: number, trackIds: number[], anonymizedExport?: number): Promise<void> {
  const rows = [];
  for (const t of trackIds) rows.push(await getTrackRow(subDb(s.db.reader), videoId, t));
  if (anonymizedExport !== undefined) {
    requireReviewed(rows);
    await anonymizedSource(s, videoId, anonymizedExport);
  }
}

export const muxJob = defineJobKind({
  kind: 'subtitles.mux',
  title: 'Add subtitle tracks',
  input: muxInput,
  output: fileOutput,
  videoId: (i) => i.videoId,
  maxAttempts: 1,
  async precondition(s, i) {
    await requireProbedVideo(s, i.videoId);
    containerOf(i.output);
    await checkTracks(s, i.videoId, i.trackIds, i.anonymizedExport);
    await refuseExisting(i.output);
  },
  async run(ctx, input) {
    const s = ctx.services;
    const video = await requireProbedVideo(s, input.videoId);
    const container = containerOf(input.output);
    const work = await ctx.workDir();
    await checkTracks(s, input.videoId, input.trackIds, input.anonymizedExport);
    const anon = input.anonymizedExport === undefined ? null : await anonymizedSource(s, input.videoId, input.anonymizedExport);
    const tracks: MuxTrack[] = [];
    for (const [n, trackId] of input.trackIds.entries()) {
      const row = await getTrackRow(subDb(s.db.reader), input.videoId, trackId);
      const codec = container === 'mkv' && row.format === 'ass' ? 'ass' : 'srt';
      const file = path.join(work, `track-${n}.${codec}`);
      let cues: Cue[] = await getCues(s.db.reader, trackId);
      if (anon) cues = mapThroughKept(cues, anon.kept, anon.fps);
      await writeFile(file, codec === 'ass' ? writeAss(cues, row.ass_header) : writeSrt(cues));
      tracks.push({ file, codec, language: toContainerLanguage(row.language), title: row.title });
    }
    await refuseExisting(input.output);
    await writeAtomically(input.output, (tmp) =>
      muxSubtitles(s.ffmpeg, {
        input: anon ? anon.path : video.path,
        tracks,
        output: tmp,
        container,
        // (An anonymized export's picture starts at 0.)
        videoStart: anon ? 0 : videoStartOf(video),
        signal: ctx.signal,
        onProgress: progressOf(ctx, video.duration, 'muxing'),
      }),
    );
    return { output: input.output, tracks: tracks.length };
  },
});

export const burnJob = defineJobKind({
  kind: 'subtitles.burn',
  title: 'Burn in subtitles',
  input: burnInput,
  output: fileOutput,
  videoId: (i) => i.videoId,
  maxAttempts: 1,
  async precondition(s, i) {
    await requireProbedVideo(s, i.videoId);
    s.ffmpeg.features.require('subtitles.burnIn');
    if (path.extname(i.output).toLowerCase() !== '.mp4')
      throw new FramewiseError('usage', `${i.output}: a burned-in copy is written as .mp4`);
    await checkTracks(s, i.videoId, [i.trackId]);
    await refuseExisting(i.output);
  },
  async run(ctx, input) {
    const s = ctx.services;
    const video = await requireProbedVideo(s, input.videoId);
    const work = await ctx.workDir();
    const ass = path.join(work, 'burn.ass');
    const w = video.display_width || video.width;
    const h = video.display_height || video.height;
    await writeFile(ass, burnAss(await getCues(s.db.reader, input.trackId), burnStyles[input.style], w, h));
    await refuseExisting(input.output);
    await writeAtomically(input.output, (tmp) =>
      burnSubtitles(s.ffmpeg, {
        input: video.path,
        assFile: ass,
        fontsDir: fontsDir(),
        videoStart: videoStartOf(video),
        output: tmp,
        signal: ctx.signal,
        onProgress: progressOf(ctx, video.duration, 'burning'),
      }),
    );
    return { output: input.output, tracks: 1 };
  },
});
