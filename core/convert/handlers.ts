import { stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Services } from '../services.js';
import { getVideoRow } from '../library/videos.js';
import { FramewiseError, serializeError, type SerializedError } from '../util/errors.js';
import { checkOutputFolder } from '../util/output-file.js';
import { convertOptionsSchema } from './presets.js';
import { requireEncoders, resolvePreset } from './preset-store.js';
import { outputFor } from './convert-job.js';
import { frameSelection } from './frames-job.js';

/** A library video id or a file path. */
export const inputRef = z.union([z.number().int().positive(), z.string().min(1).max(4096)]);

export async function resolveInput(s: Services, ref: number | string): Promise<{ path: string; videoId?: number }> {
  // "12" on the command line is a library id unless a file of that name exists.
  if (typeof ref === 'string' && /^\d+$/.test(ref) && !(await stat(ref).catch(() => null))) ref = Number(ref);
  if (typeof ref === 'number') {
    const row = await getVideoRow(s.db.reader, ref).catch(() => null);
    if (!row) throw new FramewiseError('not_found', `No video with id ${ref}`);
    return { path: row.path, videoId: ref };
  }
  return { path: path.resolve(ref) };
}

export interface BatchStart {
  jobs: Array<{ input: string; jobId: number; output: string }>;
  errors: Array<{ input: string; error: SerializedError }>;
}

async function isFolder(p: string): Promise<boolean> {
  return (await stat(p).catch(() => null))?.isDirectory() ?? false;
}

export const convertStartInput = z.object({
  inputs: z.array(inputRef).min(1).max(10000),
  preset: z.string().min(1).max(100),
  options: convertOptionsSchema.partial().optional(),
  /** A file for one input, or an existing folder. */
  output: z.string().min(1).max(4096),
});

/** Check the preset's encoders once, then queue one job per input (a batch shares one output folder). */
export async function startConvert(s: Services, input: z.output<typeof convertStartInput>): Promise<BatchStart> {
  const preset = await resolvePreset(s, input.preset, input.options ?? {});
  try {
    await requireEncoders(s, preset);
  } catch (err) {
    // Say which file(s) could not be converted, not only why.
    if (!(err instanceof FramewiseError)) throw err;
    const names = input.inputs.map((r) => (typeof r === 'number' ? `video ${r}` : path.basename(r)));
    const which =
      names.length === 1 ? names[0] : `${names.length} videos (${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''})`;
    throw new FramewiseError(err.code, `Cannot convert ${which}: ${err.message}`, err.details);
  }
  const folder = input.inputs.length > 1 || (await isFolder(input.output));
  if (folder) await checkOutputFolder(input.output);
  const res: BatchStart = { jobs: [], errors: [] };
  for (const ref of input.inputs) {
    const label = String(ref);
    try {
      const src = await resolveInput(s, ref);
      const output = outputFor(src.path, input.output, preset.base.ext, folder);
      const { job } = await s.jobs.enqueue('convert', {
        input: src.path,
        ...(src.videoId ? { videoId: src.videoId } : {}),
        preset: input.preset,
        options: input.options ?? {},
        output,
      });
      res.jobs.push({ input: label, jobId: job.id, output });
    } catch (err) {
      res.errors.push({ input: label, error: serializeError(err) });
    }
  }
  return res;
}

export const framesStartInput = z.object({
  inputs: z.array(inputRef).min(1).max(10000),
  select: frameSelection,
  outDir: z.string().min(1).max(4096),
  format: z.enum(['png', 'jpg']).optional(),
  width: z.number().int().min(16).max(16384).optional(),
  contactSheet: z.boolean().optional(),
  columns: z.number().int().min(1).max(20).optional(),
});

export async function startFrames(s: Services, input: z.output<typeof framesStartInput>): Promise<BatchStart> {
  await checkOutputFolder(input.outDir);
  const res: BatchStart = { jobs: [], errors: [] };
  const { inputs, outDir, ...rest } = input;
  for (const ref of inputs) {
    try {
      const src = await resolveInput(s, ref);
      // Several videos: one sub-folder each, so frame names never collide.
      const dir = inputs.length > 1 ? path.join(path.resolve(outDir), path.parse(src.path).name) : path.resolve(outDir);
      if (inputs.length > 1) await import('node:fs/promises').then((fs) => fs.mkdir(dir, { recursive: true }));
      const { job } = await s.jobs.enqueue('frames', {
        input: src.path,
        ...(src.videoId ? { videoId: src.videoId } : {}),
        outDir: dir,
        ...rest,
      });
      res.jobs.push({ input: String(ref), jobId: job.id, output: dir });
    } catch (err) {
      res.errors.push({ input: String(ref), error: serializeError(err) });
    }
  }
  return res;
}

export const mergeStartInput = z.object({
  inputs: z.array(inputRef).min(2).max(1000),
  output: z.string().min(1).max(4096),
  reencode: z.boolean().optional(),
});

export async function startMerge(s: Services, input: z.output<typeof mergeStartInput>) {
  const files = [];
  for (const ref of input.inputs) files.push((await resolveInput(s, ref)).path);
  return s.jobs.enqueue('merge', { inputs: files, output: path.resolve(input.output), ...(input.reencode ? { reencode: true } : {}) });
}
