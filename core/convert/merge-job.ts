import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { defineJobKind } from '../jobs/kind.js';
import { concatCopyArgs, concatList } from '../ffmpeg/concat.js';
import { concatReencodeArgs, copyIncompatibility, type MergeInput } from '../ffmpeg/merge.js';
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
    await produceNewOutputFile(output, async (tmp) => {
      if (!incompatible) {
        const list = path.join(await ctx.workDir(), 'list.txt');
        await writeFile(list, concatList(inputs.map((x) => x.file)));
        await ctx.services.ffmpeg.run(concatCopyArgs(list, tmp, { metadata: 'keep', faststart: true }), { signal: ctx.signal, onProgress });
      } else {
        await ctx.services.ffmpeg.run(concatReencodeArgs(inputs, tmp).args, { signal: ctx.signal, onProgress });
      }
    });
    const out = await ctx.services.ffmpeg.probe(output, ctx.signal);
    return { output, method: incompatible ? ('reencode' as const) : ('copy' as const), reason: incompatible, duration: out.duration };
  },
});
