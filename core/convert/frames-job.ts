import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { defineJobKind } from '../jobs/kind.js';
import { frameExportArgs, framePresentationTimes, frameShownAt } from '../ffmpeg/frame-export.js';
import { FramewiseError } from '../util/errors.js';
import { checkOutputFolder } from '../util/output-file.js';

export const frameSelection = z.union([
  z.object({ every: z.number().positive().max(86400) }).strict(),
  z.object({ at: z.array(z.number().min(0)).min(1).max(10000) }).strict(),
  z.object({ frames: z.array(z.number().int().min(0)).min(1).max(10000) }).strict(),
  z.object({ count: z.number().int().min(1).max(10000) }).strict(),
]);
export type FrameSelection = z.output<typeof frameSelection>;

export const framesJobInput = z.object({
  input: z.string().min(1),
  videoId: z.number().int().positive().optional(),
  select: frameSelection,
  outDir: z.string().min(1),
  format: z.enum(['png', 'jpg']).default('png'),
  width: z.number().int().min(16).max(16384).optional(),
  /** Also write one contact sheet (grid with timecodes). */
  contactSheet: z.boolean().default(false),
  columns: z.number().int().min(1).max(20).default(4),
});
export type FramesJobInput = z.output<typeof framesJobInput>;

const exported = z.object({ frame: z.number().int(), time: z.number(), file: z.string() });
export const framesJobOutput = z.object({ files: z.array(exported), contactSheet: z.string().nullable() });

/** Frame numbers for a selection, from the frames' presentation times (VFR-safe). Pure. */
export function chooseFrames(select: FrameSelection, times: number[]): number[] {
  const n = times.length;
  if (!n) return [];
  const duration = times[n - 1]! + (n > 1 ? times[n - 1]! - times[n - 2]! : 0);
  let picked: number[];
  if ('frames' in select) picked = select.frames.filter((f) => f < n);
  else if ('at' in select) picked = select.at.filter((t) => t < duration).map((t) => frameShownAt(times, t));
  else if ('every' in select) {
    picked = [];
    for (let t = 0; t < duration - 1e-9; t += select.every) picked.push(frameShownAt(times, t));
  } else
    picked = Array.from({ length: Math.min(select.count, n) }, (_, i) =>
      frameShownAt(times, ((i + 0.5) * duration) / Math.min(select.count, n)),
    );
  return [...new Set(picked)].sort((a, b) => a - b);
}

export const frameFileName = (frame: number, time: number, ext: string) =>
  `frame-${String(frame).padStart(6, '0')}-t${time.toFixed(3)}s.${ext}`;

export const framesJob = defineJobKind({
  kind: 'frames',
  title: 'Export frames',
  input: framesJobInput,
  output: framesJobOutput,
  videoId: (i) => i.videoId ?? null,
  async precondition(_services, input) {
    await checkOutputFolder(input.outDir);
  },
  async run(ctx, input) {
    const outDir = await checkOutputFolder(input.outDir);
    ctx.progress(0, 'reading timestamps');
    const times = await framePresentationTimes(ctx.services.ffmpeg, input.input, ctx.signal);
    if (!times.length) throw new FramewiseError('no_video_stream', `${input.input} has no video frames`);
    const frames = chooseFrames(input.select, times);
    if (!frames.length)
      throw new FramewiseError('usage', `${input.input}: no frame matches the selection (the video has ${times.length} frames)`);
    const tmp = path.join(outDir, `.framewise-frames-${randomBytes(5).toString('hex')}`);
    await mkdir(tmp);
    try {
      const sheetName = `contact-sheet-${path.parse(input.input).name}.${input.format}`;
      const { args } = frameExportArgs({
        input: input.input,
        frames,
        pattern: path.join(tmp, `img-%06d.${input.format}`),
        format: input.format,
        ...(input.width ? { width: input.width } : {}),
        ...(input.contactSheet
          ? { sheet: { file: path.join(tmp, sheetName), columns: Math.min(input.columns, frames.length), tileWidth: 320 } }
          : {}),
      });
      const last = times[frames[frames.length - 1]!]! || 1;
      await ctx.services.ffmpeg.run(args, {
        signal: ctx.signal,
        onProgress: (p) => ctx.progress(Math.min(0.99, p.outTime / last), 'extracting'),
      });
      const written = (await readdir(tmp)).filter((f) => f.startsWith('img-')).sort();
      if (written.length !== frames.length)
        throw new FramewiseError(
          'undecodable',
          `${input.input}: ${frames.length} frames were chosen but ${written.length} could be decoded`,
        );
      const files = [];
      for (const [i, f] of written.entries()) {
        const frame = frames[i]!;
        const time = times[frame]!;
        const dest = path.join(outDir, frameFileName(frame, time, input.format));
        await rename(path.join(tmp, f), dest);
        files.push({ frame, time, file: dest });
      }
      let contactSheet: string | null = null;
      if (input.contactSheet) {
        contactSheet = path.join(outDir, sheetName);
        await rename(path.join(tmp, sheetName), contactSheet);
      }
      return { files, contactSheet };
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  },
});
