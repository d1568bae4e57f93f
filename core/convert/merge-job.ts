import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { defineJobKind } from '../jobs/kind.js';
import { concatCopyArgs, concatList } from '../ffmpeg/concat.js';
import { concatReencodeArgs, copyIncompatibility, reencodedPartSeconds, type MergeInput } from '../ffmpeg/merge.js';
import { joinedSubtitleTracks, leftOutBitmapNote, writeWithSubtitles, type JoinedTrack } from '../ffmpeg/subtitle-timeline.js';
import { FramewiseError } from '../util/errors.js';
import { checkOutputFile, produceNewOutputFile, refuseExisting } from '../util/output-file.js';

export const mergeJobInput = z.object({
  inputs: z.array(z.string().min(1)).min(2).max(1000),
  output: z.string().min(1),
  /** Re-encode even when a lossless join is possible. */
  reencode: z.boolean().default(false),
});
export const mergeJobOutput = z.object({
  output: z.string(),
  method: z.enum(['copy', 'reencode']),
  reason: z.string().nullable(),
  duration: z.number(),
  /** What the output goes without (bitmap subtitle tracks of an input), one note per input. */
  notes: z.array(z.string()).default([]),
});

export const mergeJob = defineJobKind({
  kind: 'merge',
  title: 'Merge videos',
  input: mergeJobInput,
  output: mergeJobOutput,
  async precondition(_s, input) {
    // Issue 12: outputs never overwrite a file.
    await refuseExisting(await checkOutputFile(input.output, input.inputs));
  },
  async run(ctx, input) {
    const output = await checkOutputFile(input.output, input.inputs);
    const inputs: MergeInput[] = [];
    for (const file of input.inputs) {
      const info = await ctx.services.ffmpeg.probe(path.resolve(file), ctx.signal);
      if (!info.video) throw new FramewiseError('no_video_stream', `${file} has no video stream`);
      inputs.push({ file: path.resolve(file), info });
    }
    const total = inputs.reduce((a, x) => a + x.info.duration, 0);
    const incompatible = input.reencode ? 'a re-encode was requested' : copyIncompatibility(inputs);
    const onProgress = (p: { outTime: number }) => ctx.progress(total > 0 ? Math.min(0.99, p.outTime / total) : 0, 'merging');
    // Text subtitles travel along: each file's cues within its part, shifted to where the part lands (times from
    // the output's first picture). A copy places each file at the sum of the durations before it, from its
    // timeline's start, so the first file's picture starts where its own does; a re-encode takes each file's
    // pictures from its first frame for its pictures' length.
    const pieces: Array<{ source: number; start: number; end: number; at: number }> = [];
    const firstPicture = incompatible ? 0 : (inputs[0]!.info.videoStart ?? 0);
    let at = 0;
    for (const [i, x] of inputs.entries()) {
      const start = incompatible ? (x.info.videoStart ?? 0) : 0;
      const length = incompatible ? reencodedPartSeconds(x.info) : x.info.duration;
      // (Cues before the output's first picture are left out.)
      const skip = Math.max(0, firstPicture - at);
      pieces.push({ source: i, start: start + skip, end: start + length, at: at + skip - firstPicture });
      at += length;
    }
    const work = await ctx.workDir();
    const laidOut = await joinedSubtitleTracks(
      ctx.services.ffmpeg,
      inputs.map((x) => ({ file: x.file, streams: x.info.streams })),
      pieces,
      path.extname(output),
      work,
      ctx.signal,
      [],
    );
    const list = path.join(work, 'list.txt');
    await writeFile(list, concatList(inputs.map((x) => x.file)));
    const build = (subtitles: JoinedTrack[], out: string) =>
      incompatible
        ? concatReencodeArgs(inputs, out, subtitles).args
        : concatCopyArgs(list, out, { metadata: 'keep', faststart: true, subtitles });
    await produceNewOutputFile(output, async (tmp) => {
      const write = async (args: string[]) => void (await ctx.services.ffmpeg.run(args, { signal: ctx.signal, onProgress }));
      await writeWithSubtitles(ctx.services.ffmpeg, build, laidOut, tmp, write, ctx.signal, true);
    });
    const out = await ctx.services.ffmpeg.probe(output, ctx.signal);
    // Bitmap subtitles (PGS, DVD, DVB) cannot be cut and shifted as text cues are: each input's are named.
    const notes = inputs.flatMap((x) => leftOutBitmapNote(x.info.streams, 'merged files carry text subtitles only', x.file) ?? []);
    return {
      output,
      method: incompatible ? ('reencode' as const) : ('copy' as const),
      reason: incompatible,
      duration: out.duration,
      notes,
    };
  },
});
