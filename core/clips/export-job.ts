/**
 * Export clips to files: `copy` (lossless stream copy from the keyframe at or before the cut; how far the start
 * moved is reported), `accurate` (re-encoded, exact first and last frame), `smart` (lossless where the cut is on a
 * keyframe, else re-encoded like `accurate`, with a note). Or all the clips joined into one file.
 * Each output is written under a hidden temp name in the target folder and linked to its final name, which
 * never replaces an existing file; a failed or cancelled export removes every file it wrote.
 */
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { onFileTime, videoStartOf } from '../ffmpeg/file-time.js';
import { accurateCutArgs, copyCutArgs, keyframeTimes, seekBefore } from '../ffmpeg/clips.js';
import { concatCopyArgs, concatList } from '../ffmpeg/concat.js';
import {
  bitmapSubtitleMaps,
  joinedSubtitleTracks,
  leftOutBitmapNote,
  textSubtitleStreams,
  writeWithSubtitles,
  type JoinedTrack,
} from '../ffmpeg/subtitle-timeline.js';
import type { StreamInfo } from '../ffmpeg/probe.js';
import { defineJobKind, type JobContext } from '../jobs/kind.js';
import { requireProbedVideo } from '../library/video-jobs.js';
import { prepareExportFolder, removeMadeFolders } from './export-folder.js';
import { smartCut, smartCutRefusal } from './smart-cut.js';
import { numberingFps } from '../scenes/store.js';
import { FramewiseError, cancelled } from '../util/errors.js';
import { tempSiblingWithExt } from '../util/fs.js';
import { notePartialOutput } from '../util/partial-outputs.js';
import { publishNewFile } from '../util/output-file.js';
import { frameToTime, type Fraction } from '../util/fraction.js';

export const EXPORT_MODES = ['copy', 'accurate', 'smart'] as const;

/** Why bitmap subtitles (PGS, DVD, DVB) do not travel: they cannot be cut and shifted as text cues are. */
const REENCODED = 're-encoded clips carry text subtitles only; bitmap subtitles travel with copy exports';
const JOINED = 'joined clips carry text subtitles only; bitmap subtitles travel with single copy exports';

const input = z
  .object({
    videoId: z.number().int().positive(),
    clips: z
      .array(z.object({ n: z.number().int().positive(), startFrame: z.number().int().min(0), endFrame: z.number().int().positive() }))
      .min(1),
    mode: z.enum(EXPORT_MODES),
    dir: z.string().min(1),
    /** `{video}` (file name without extension) and `{n}` (clip number) are replaced. */
    pattern: z.string().min(1).max(200).default('{video}-{n}'),
    /** Join all the clips into one file named by the pattern with `{n}` = "clips". */
    join: z.boolean().default(false),
  })
  .strict();

const fileOut = z.object({
  path: z.string(),
  clip: z.number().int().nullable(),
  startFrame: z.number().int(),
  endFrame: z.number().int(),
  mode: z.enum(['copy', 'accurate', 'smart']),
  /** Copy: frames (and seconds) the start moved back to reach a keyframe; 0 when exact. */
  movedFrames: z.number().int(),
  movedSeconds: z.number(),
  note: z.string().nullable(),
  /** The exact ffmpeg command lines (binary + arguments) that wrote this file, in order: the export's audit. */
  commands: z.array(z.array(z.string())),
});
export type ExportedFile = z.infer<typeof fileOut>;

export function outputName(pattern: string, videoFile: string, n: number | string, ext: string): string {
  const video = path.basename(videoFile, path.extname(videoFile));
  const name = pattern.replaceAll('{video}', video).replaceAll('{n}', String(n));
  if (!name || name.includes('/') || name.includes('\\') || name.startsWith('.'))
    throw new FramewiseError('usage', `The name pattern "${pattern}" gives "${name}", which is not a plain file name`);
  return name + ext;
}

function targets(i: z.infer<typeof input>, videoFile: string): string[] {
  const ext = i.mode === 'copy' ? path.extname(videoFile) || '.mp4' : '.mp4';
  if (i.join) return [path.join(i.dir, outputName(i.pattern, videoFile, 'clips', ext))];
  return i.clips.map((c) =>
    path.join(i.dir, outputName(i.pattern, videoFile, c.n, i.mode === 'smart' ? path.extname(videoFile) || '.mp4' : ext)),
  );
}

const taken = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

interface Plan {
  start: number;
  duration: number;
  frames: number;
  mode: 'copy' | 'accurate' | 'smart';
  /** smart: the first keyframe after the cut (re-encode up to it, copy from it). */
  nextKeyframe?: number;
  movedFrames: number;
  movedSeconds: number;
  note: string | null;
}

function planCut(
  c: { startFrame: number; endFrame: number },
  mode: (typeof EXPORT_MODES)[number],
  fps: Fraction,
  keyframes: number[],
  smartRefusal: string | null,
): Plan {
  const startT = frameToTime(c.startFrame, fps);
  const endT = frameToTime(c.endFrame, fps);
  const frames = c.endFrame - c.startFrame;
  const half = frameToTime(0.5, fps);
  const kf = keyframes.filter((k) => k <= startT + half).at(-1) ?? 0;
  const onKeyframe = Math.abs(startT - kf) < half;
  if (mode === 'copy' || (mode === 'smart' && onKeyframe)) {
    const movedFrames = Math.max(0, c.startFrame - Math.round((kf * fps.num) / fps.den));
    return { start: kf, duration: endT - kf, frames, mode: 'copy', movedFrames, movedSeconds: Math.max(0, startT - kf), note: null };
  }
  // -frames:v makes the video exact; the duration (half a frame more, for containers with ms timestamps) bounds audio.
  const accurate: Plan = {
    start: seekBefore(c.startFrame, fps),
    duration: endT - startT + half,
    frames,
    mode: 'accurate',
    movedFrames: 0,
    movedSeconds: 0,
    note: null,
  };
  if (mode !== 'smart') return accurate;
  if (smartRefusal) return { ...accurate, note: `${smartRefusal}: re-encoded (accurate)` };
  const next = keyframes.find((k) => k > startT + half && k < endT - half);
  if (next === undefined) return { ...accurate, note: 'no keyframe inside the clip: re-encoded (accurate)' };
  return { ...accurate, mode: 'smart', nextKeyframe: next };
}

/** Give a finished temp file its final name (never replacing a file; FAT/exFAT too) and drop the temp. */
async function publish(temp: string, final: string): Promise<void> {
  await publishNewFile(temp, final);
  await rm(temp, { force: true });
}

async function runExport(ctx: JobContext, i: z.infer<typeof input>): Promise<ExportedFile[]> {
  const row = await requireProbedVideo(ctx.services, i.videoId);
  const fps = numberingFps(row);
  const finals = targets(i, row.path);
  const needKeyframes = i.mode !== 'accurate';
  ctx.progress(0, needKeyframes ? 'reading keyframes' : 'exporting');
  const keyframes = needKeyframes ? await keyframeTimes(ctx.services.ffmpeg, row.path, ctx.signal) : [];
  // Text subtitles travel with re-encoded clips (as MP4 text); bitmap ones only with copies (the file's note says so).
  const meta = JSON.parse(row.metadata_json) as { streams?: StreamInfo[] };
  const streams = meta.streams ?? [];
  /** Subtitle times and ffmpeg's seeks count from the file's start; clip times from the first picture. */
  const videoStart = videoStartOf(row);
  const source = { path: row.path, codec: row.video_codec, pixFmt: row.pixel_format, videoStart };
  const onFile = onFileTime(videoStart);
  // A file with text and bitmap tracks: its text tracks are laid out, its bitmap ones copied where the output is a copy.
  const textSubtitles = textSubtitleStreams(streams).length > 0;
  const bitmapMaps = bitmapSubtitleMaps(streams, 0);
  const bitmapLeftOut = (why: string) => leftOutBitmapNote(streams, why);
  const withNote = (note: string | null, more: string | null) => [note, more].filter(Boolean).join('; ') || null;
  const refusal = smartCutRefusal(source, path.extname(row.path));
  const plans = i.clips.map((c) => planCut(c, i.mode, fps, keyframes, refusal));
  const total = plans.reduce((a, p) => a + p.duration, 0) || 1;
  let doneSeconds = 0;
  const temps: string[] = [];
  const written: string[] = [];
  const run = async (args: string[], p: Plan) =>
    (
      await ctx.services.ffmpeg.run(args, {
        signal: ctx.signal,
        onProgress: (pr) => ctx.progress(Math.min(0.99, (doneSeconds + Math.min(pr.outTime, p.duration)) / total), 'exporting'),
      })
    ).command;
  /** A re-encoded clip's text subtitles, cut and timed from its first frame (files of tracks with no cue in it left out). */
  const clipSubtitles = async (c: { startFrame: number; endFrame: number }, commands: string[][], keep = true): Promise<JoinedTrack[]> => {
    if (!textSubtitles || !keep) return [];
    // A cue that began before the cut shows from the clip's first frame (ffmpeg's output seek dropped it).
    const work = path.join(await ctx.workDir(), `subs-${c.startFrame}-${c.endFrame}`);
    await mkdir(work, { recursive: true });
    const start = frameToTime(c.startFrame, fps) + videoStart;
    const end = frameToTime(c.endFrame, fps) + videoStart;
    const piece = [{ source: 0, start, end, at: 0 }];
    const source = [{ file: row.path, streams }];
    // As SRT (MP4 text, or SubRip in Matroska), whatever the output.
    return joinedSubtitleTracks(ctx.services.ffmpeg, source, piece, '.mp4', work, ctx.signal, commands);
  };
  const accurateArgs = async (p: Plan, c: { startFrame: number; endFrame: number }, out: string, commands: string[][], subtitles = true) =>
    accurateCutArgs(
      row.path,
      { ...p, start: onFile(p.start), subtitles: (await clipSubtitles(c, commands, subtitles)).map((t) => t.file) },
      out,
    );
  /**
   * A lossless copy from the keyframe. Its text subtitles are the cues of what it shows, cut to it (a copied
   * subtitle packet from before the keyframe made the file start early, its picture at 0.5 s; a cue running past
   * the end stayed whole); bitmap subtitles are copied as they are (after the text tracks).
   */
  const copy = async (p: Plan, out: string, commands: string[][]): Promise<void> => {
    if (!textSubtitles) return void commands.push(await run(copyCutArgs(row.path, { ...p, start: onFile(p.start) }, out), p));
    const work = path.join(await ctx.workDir(), `copy-subs-${path.basename(out)}`);
    await mkdir(work, { recursive: true });
    const piece = [{ source: 0, start: p.start + videoStart, end: p.start + p.duration + videoStart, at: 0 }];
    const source = [{ file: row.path, streams }];
    const ext = path.extname(out);
    const laidOut = await joinedSubtitleTracks(ctx.services.ffmpeg, source, piece, ext, work, ctx.signal, commands);
    const build = (tracks: JoinedTrack[], o: string) => copyCutArgs(row.path, { ...p, start: onFile(p.start) }, o, tracks, bitmapMaps);
    const write = async (args: string[]) => void commands.push(await run(args, p));
    await writeWithSubtitles(ctx.services.ffmpeg, build, laidOut, out, write, ctx.signal);
  };
  /**
   * Cut one plan into `out`; the commands that wrote it are appended to `commands`. Parts of a join go without
   * subtitles (the join lays out its own tracks).
   */
  const cut = async (p: Plan, out: string, commands: string[][], clip = clipOf(p), subtitles = true): Promise<Plan> => {
    let used = p;
    if (p.mode === 'smart') {
      try {
        commands.push(
          ...(await smartCut(
            ctx.services.ffmpeg,
            source,
            clip,
            fps,
            p.nextKeyframe!,
            await ctx.workDir(),
            out,
            ctx.signal,
            textSubtitles ? await clipSubtitles(clip, commands) : undefined,
            bitmapSubtitleMaps(streams, 1),
          )),
        );
      } catch (err) {
        if (ctx.signal.aborted || (err instanceof FramewiseError && err.code === 'cancelled')) throw err;
        await rm(out, { force: true });
        const why = `${err instanceof Error ? err.message : String(err)}: re-encoded (accurate)`;
        used = { ...p, mode: 'accurate', note: withNote(why, subtitles ? bitmapLeftOut(REENCODED) : null) };
        commands.push(await run(await accurateArgs(used, clip, out, commands, subtitles), used));
      }
    } else if (p.mode === 'copy') await copy(p, out, commands);
    else {
      if (subtitles) used = { ...p, note: withNote(p.note, bitmapLeftOut(REENCODED)) };
      commands.push(await run(await accurateArgs(p, clip, out, commands, subtitles), p));
    }
    doneSeconds += p.duration;
    return used;
  };
  const clipOf = (p: Plan) => i.clips[plans.indexOf(p)]!;
  let made: string[] = [];
  try {
    made = (await prepareExportFolder(i.dir)).made;
    if (i.join) {
      const final = finals[0]!;
      const temp = tempSiblingWithExt(final);
      temps.push(temp);
      await notePartialOutput(temp);
      const work = await ctx.workDir();
      const anyAccurate = plans.some((p) => p.mode !== 'copy');
      const commands: string[][] = [];
      let list: string;
      // Where each part plays in the source (from its first frame) and in the joined file.
      const pieces: Array<{ source: number; start: number; end: number; at: number }> = [];
      if (!anyAccurate) {
        list = concatList(plans.map((p) => ({ file: row.path, inpoint: onFile(p.start), outpoint: onFile(p.start + p.duration) })));
        for (const p of plans)
          pieces.push({ source: 0, start: p.start, end: p.start + p.duration, at: pieces.reduce((a, x) => a + x.end - x.start, 0) });
      } else {
        // Re-encode every part the same way, then join them losslessly.
        const parts: string[] = [];
        for (const [k, p] of plans.entries()) {
          const part = path.join(work, `part-${k}.mp4`);
          const clip = i.clips[k]!;
          await cut(
            { ...p, mode: 'accurate', start: seekBefore(clip.startFrame, fps), duration: p.frames * (fps.den / fps.num) },
            part,
            commands,
            clip,
            false,
          );
          parts.push(part);
          const start = frameToTime(clip.startFrame, fps);
          const end = frameToTime(clip.endFrame, fps);
          pieces.push({ source: 0, start, end, at: pieces.reduce((a, x) => a + x.end - x.start, 0) });
        }
        list = concatList(parts);
      }
      // The clips' text subtitles, each clip's cues within it, at its place in the joined file.
      const laidOut = await joinedSubtitleTracks(
        ctx.services.ffmpeg,
        [{ file: row.path, streams }],
        pieces.map((x) => ({ ...x, start: x.start + videoStart, end: x.end + videoStart })),
        path.extname(final),
        work,
        ctx.signal,
        commands,
      );
      const listFile = path.join(work, 'list.txt');
      await writeFile(listFile, list);
      const build = (subtitles: JoinedTrack[], out: string) => concatCopyArgs(listFile, out, { metadata: 'drop', subtitles });
      const write = async (args: string[]) => void commands.push((await ctx.services.ffmpeg.run(args, { signal: ctx.signal })).command);
      await writeWithSubtitles(ctx.services.ffmpeg, build, laidOut, temp, write, ctx.signal, true);
      if (ctx.signal.aborted) throw cancelled();
      await publish(temp, final);
      written.push(final);
      const first = i.clips[0]!;
      const last = i.clips[i.clips.length - 1]!;
      return [
        {
          path: final,
          clip: null,
          startFrame: first.startFrame,
          endFrame: last.endFrame,
          mode: anyAccurate ? 'accurate' : 'copy',
          movedFrames: Math.max(...plans.map((p) => p.movedFrames)),
          movedSeconds: Math.max(...plans.map((p) => p.movedSeconds)),
          note: bitmapLeftOut(JOINED),
          commands,
        },
      ];
    }
    const files: ExportedFile[] = [];
    for (const [k, p] of plans.entries()) {
      const final = finals[k]!;
      const temp = tempSiblingWithExt(final);
      temps.push(temp);
      await notePartialOutput(temp);
      const commands: string[][] = [];
      // What was done: a smart cut that could not be made falls back to accurate, with the reason.
      const used = await cut(p, temp, commands);
      if (ctx.signal.aborted) throw cancelled();
      await publish(temp, final);
      written.push(final);
      const c = i.clips[k]!;
      files.push({
        path: final,
        clip: c.n,
        startFrame: c.startFrame,
        endFrame: c.endFrame,
        mode: used.mode,
        movedFrames: used.movedFrames,
        movedSeconds: used.movedSeconds,
        note: used.note,
        commands,
      });
    }
    return files;
  } catch (err) {
    // Nothing half-written, and a cancelled or failed export leaves none of its files.
    for (const f of [...temps, ...written]) await rm(f, { force: true });
    // Folders this export made go too (when empty): a cancelled export leaves no trace.
    await removeMadeFolders(made);
    if (ctx.signal.aborted) throw cancelled();
    throw err;
  }
}

export const exportClipsJob = defineJobKind({
  kind: 'clips-export',
  title: 'Export clips',
  input,
  output: z.object({ files: z.array(fileOut) }),
  videoId: (i) => i.videoId,
  maxAttempts: 1,
  async precondition(s, i) {
    const row = await requireProbedVideo(s, i.videoId);
    for (const c of i.clips)
      if (c.endFrame <= c.startFrame) throw new FramewiseError('usage', `Clip ${c.n}: empty range [${c.startFrame}, ${c.endFrame})`);
    // Proven writable now (an unusable folder is refused before the job is queued); made again when it runs.
    await removeMadeFolders((await prepareExportFolder(i.dir)).made);
    for (const t of targets(i, row.path))
      if (await taken(t)) throw new FramewiseError('conflict', `${t} already exists; it was not overwritten`);
  },
  async run(ctx, i) {
    return { files: await runExport(ctx, i) };
  },
});
