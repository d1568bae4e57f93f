import { stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { defineJobKind } from '../jobs/kind.js';
import { convertArgs, probeColour } from '../ffmpeg/convert.js';
import { movieHeaderDuration } from '../ffmpeg/movie-duration.js';
import { FramewiseError } from '../util/errors.js';
import { checkOutputFile, produceOutputFile } from '../util/output-file.js';
import { convertOptionsSchema } from './presets.js';
import { requireEncoders, resolvePreset } from './preset-store.js';

export const convertJobInput = z.object({
  input: z.string().min(1),
  videoId: z.number().int().positive().optional(),
  preset: z.string().min(1),
  options: convertOptionsSchema.partial().default({}),
  output: z.string().min(1),
});
export type ConvertJobInput = z.output<typeof convertJobInput>;

export const convertJobOutput = z.object({
  output: z.string(),
  size: z.number(),
  duration: z.number(),
  preset: z.string(),
  warnings: z.array(z.string()),
  seconds: z.number(),
});

/** ffmpeg's "this codec does not fit this container" as our error, naming the file and what to do. */
function containerError(err: unknown, input: string, ext: string): unknown {
  if (!(err instanceof FramewiseError)) return err;
  const tail = String(err.details?.stderrTail ?? '');
  const m = /codec (\S+)[^\n]*not currently supported in container|Could not find tag for codec (\S+)/i.exec(tail);
  if (m)
    return new FramewiseError(
      'unsupported_codec',
      `${input}: its ${m[1] ?? m[2]} stream cannot be stored in ${ext} without re-encoding; choose a re-encoding preset`,
    );
  return new FramewiseError(err.code, `${input}: ${err.message}`, err.details);
}

export const convertJob = defineJobKind({
  kind: 'convert',
  title: 'Convert',
  input: convertJobInput,
  output: convertJobOutput,
  videoId: (i) => i.videoId ?? null,
  async precondition(services, input) {
    const preset = await resolvePreset(services, input.preset, input.options);
    await requireEncoders(services, preset);
    const st = await stat(input.input).catch(() => null);
    if (!st?.isFile()) throw new FramewiseError('file_missing', `${input.input} does not exist`);
    await checkOutputFile(input.output, [input.input]);
  },
  async run(ctx, input) {
    const t0 = Date.now();
    const preset = await resolvePreset(ctx.services, input.preset, input.options);
    await requireEncoders(ctx.services, preset);
    const info = await ctx.services.ffmpeg.probe(input.input, ctx.signal);
    const output = await checkOutputFile(input.output, [input.input], Math.min(info.size ?? 0, 50e6));
    if (preset.base.kind === 'audio' && !info.streams.some((s) => s.type === 'audio'))
      throw new FramewiseError('no_audio_stream', `${input.input} has no audio stream to convert to ${preset.base.ext}`);
    if (preset.base.kind !== 'audio' && !info.video) throw new FramewiseError('no_video_stream', `${input.input} has no video stream`);
    // The colour facts come with the probe above: one process start fewer (npm run bench compares the job with
    // a plain ffmpeg run). Probe again only for a MediaInfo without them.
    const colour =
      preset.base.kind === 'video'
        ? (info.video?.colour ?? (await probeColour(ctx.services.ffmpeg, input.input, ctx.signal)))
        : { range: null, space: null, primaries: null, transfer: null, sar: 1 };
    const o = preset.options;
    const crf = o.crf ?? preset.base.crf ?? 0;
    let warnings: string[] = [];
    await produceOutputFile(output, async (tmp) => {
      const built = convertArgs(
        input.input,
        tmp,
        {
          kind: preset.base.kind,
          container: preset.base.ext,
          ...(preset.base.videoEncoder ? { videoEncoder: preset.base.videoEncoder, videoArgs: preset.base.videoArgs?.(crf) ?? [] } : {}),
          ...(preset.base.audioEncoder ? { audioEncoder: preset.base.audioEncoder, audioArgs: preset.base.audioArgs ?? [] } : {}),
          ...(preset.base.muxArgs ? { muxArgs: preset.base.muxArgs } : {}),
          ...(o.maxWidth ? { maxWidth: o.maxWidth } : {}),
          ...(o.maxHeight ? { maxHeight: o.maxHeight } : {}),
          ...(o.fps ? { fps: o.fps } : {}),
          audio: o.audio,
          strip: o.strip,
        },
        info,
        colour,
      );
      warnings = built.warnings;
      // The temp name keeps the extension, so ffmpeg picks the container from it.
      await ctx.services.ffmpeg
        .run(built.args, {
          signal: ctx.signal,
          onProgress: (p) => ctx.progress(info.duration > 0 ? Math.min(0.99, p.outTime / info.duration) : 0, 'converting'),
        })
        .catch((err: unknown) => {
          throw containerError(err, input.input, preset.base.ext);
        });
    });
    // An MP4/MOV output's duration is its movie header's (what ffprobe would report): no second ffprobe run.
    const headerDuration = await movieHeaderDuration(output, preset.base.ext);
    const out = headerDuration !== null ? { duration: headerDuration, size: null } : await ctx.services.ffmpeg.probe(output, ctx.signal);
    return {
      output,
      size: out.size ?? (await stat(output)).size,
      duration: out.duration,
      preset: preset.name,
      warnings,
      seconds: (Date.now() - t0) / 1000,
    };
  },
});

/** Where one input goes: the given file, or `<folder>/<name><ext>` (never the input itself). */
export function outputFor(input: string, output: string, ext: string, isFolder: boolean, suffix = ''): string {
  if (!isFolder) return path.resolve(output);
  const name = path.parse(input).name;
  let file = path.resolve(output, `${name}${suffix}${ext}`);
  if (file === path.resolve(input)) file = path.resolve(output, `${name}${suffix || '-converted'}${ext}`);
  return file;
}
