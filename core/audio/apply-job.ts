import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { defineJobKind } from '../jobs/kind.js';
import { requireProbedVideo } from '../library/video-jobs.js';
import { getSegments } from '../segments/store.js';
import { loadGrid, type FrameGrid } from '../review/grid.js';
import { keptRangesArgs, outputFrames, type OutputRange, type VfrCut } from '../ffmpeg/cut.js';
import { vfrKeptFrames, vfrRanges } from '../ffmpeg/cut-vfr.js';
import { framePresentationTimes } from '../ffmpeg/frame-export.js';
import { parseFraction, type Fraction } from '../util/fraction.js';
import type { VideoRow } from '../library/videos.js';
import { FramewiseError } from '../util/errors.js';
import { checkOutputFile, produceOutputFile } from '../util/output-file.js';
import type { Services } from '../services.js';

export const applyInput = z.object({
  videoId: z.number().int().positive(),
  /** `silence`: remove the lane's segments. `speech`: keep only the lane's segments. */
  lane: z.enum(['silence', 'speech']).default('silence'),
  /** `cut` drops the parts; `speed` plays them `speed` times faster (auto-editor's silent speed). */
  mode: z.enum(['cut', 'speed']).default('cut'),
  speed: z.number().gt(1).max(100).default(4),
  output: z.string().min(1),
});
export type ApplyInput = z.output<typeof applyInput>;

export const applyOutput = z.object({
  output: z.string(),
  ranges: z.number().int(),
  frames: z.number().int(),
  duration: z.number(),
});

interface Span {
  startFrame: number;
  endFrame: number;
}

function merged(spans: Span[]): Span[] {
  const out: Span[] = [];
  for (const s of [...spans].sort((a, b) => a.startFrame - b.startFrame)) {
    const prev = out[out.length - 1];
    if (prev && s.startFrame <= prev.endFrame) prev.endFrame = Math.max(prev.endFrame, s.endFrame);
    else out.push({ ...s });
  }
  return out;
}

function complement(spans: Span[], frameCount: number): Span[] {
  const out: Span[] = [];
  let at = 0;
  for (const s of merged(spans)) {
    if (s.startFrame > at) out.push({ startFrame: at, endFrame: Math.min(s.startFrame, frameCount) });
    at = Math.max(at, s.endFrame);
  }
  if (at < frameCount) out.push({ startFrame: at, endFrame: frameCount });
  return out.filter((s) => s.endFrame > s.startFrame);
}

/** The output plan from the lane's active segments (as edited by the reviewer). Pure. */
export function planRanges(
  laneSpans: Span[],
  lane: 'silence' | 'speech',
  grid: Pick<FrameGrid, 'frameCount'>,
  mode: 'cut' | 'speed',
  speed: number,
): OutputRange[] {
  const clipped = laneSpans
    .map((s) => ({ startFrame: Math.max(0, s.startFrame), endFrame: Math.min(grid.frameCount, s.endFrame) }))
    .filter((s) => s.endFrame > s.startFrame);
  const keep = lane === 'speech' ? merged(clipped) : complement(clipped, grid.frameCount);
  const drop = complement(keep, grid.frameCount);
  const ranges: OutputRange[] = keep.map((k) => ({ ...k, speed: 1 }));
  if (mode === 'speed') ranges.push(...drop.map((d) => ({ ...d, speed })));
  return ranges.sort((a, b) => a.startFrame - b.startFrame);
}

async function plan(services: Services, input: ApplyInput) {
  const row = await requireProbedVideo(services, input.videoId);
  const grid = await loadGrid(services.db.reader, input.videoId);
  const spans = await getSegments(services.db.reader, input.videoId, { labels: [input.lane] });
  const ranges = planRanges(spans, input.lane, grid, input.mode, input.speed);
  if (!ranges.length)
    throw new FramewiseError('precondition', `${row.name}: nothing would be kept (the ${input.lane} lane covers the whole video)`);
  return { row, grid, ranges };
}

/** Sped-up parts of a VFR video get at most its nominal rate (capped: some files claim 1000 fps). */
function vfrCut(row: VideoRow, fps: Fraction): VfrCut | undefined {
  if (!row.variable_frame_rate) return undefined;
  const nominal = parseFraction(row.r_frame_rate);
  return { slotRate: nominal && nominal.num / nominal.den <= 120 ? nominal : fps };
}

/** Apply the silence/speech lane: one ffmpeg pass writing a new file (never over the original). */
export const audioApplyJob = defineJobKind({
  kind: 'audio.apply',
  title: 'Remove silence',
  input: applyInput,
  output: applyOutput,
  videoId: (i) => i.videoId,
  async precondition(services, input) {
    services.ffmpeg.features.require('audio.silence');
    const { row } = await plan(services, input);
    await checkOutputFile(input.output, [row.path, row.original_path], row.size);
  },
  async run(ctx, input) {
    const { row, grid, ranges } = await plan(ctx.services, input);
    const output = await checkOutputFile(input.output, [row.path, row.original_path], row.size);
    const fps = { num: grid.num, den: grid.den };
    const vfr = vfrCut(row, fps);
    let frames = ranges.reduce((a, r) => a + outputFrames(r), 0);
    let duration = (frames * fps.den) / fps.num;
    if (vfr) {
      // Cut by presentation time: the frames kept are those whose time lies in a kept range.
      const timed = vfrRanges(ranges, fps);
      const times = await framePresentationTimes(ctx.services.ffmpeg, row.path, ctx.signal);
      frames = vfrKeptFrames(times, timed, vfr.slotRate).length;
      duration = timed.reduce((a, r) => a + r.length, 0);
    }
    const withAudio = row.audio_streams > 0;
    const work = await ctx.workDir();
    const graphFile = ranges.length > 400 ? path.join(work, 'graph.txt') : undefined;
    await produceOutputFile(output, async (tmp) => {
      const { args, graph } = keptRangesArgs(row.path, tmp, ranges, fps, {
        withAudio,
        ...(graphFile ? { graphFile } : {}),
        ...(vfr ? { vfr } : {}),
      });
      if (graphFile) await writeFile(graphFile, graph);
      await ctx.services.ffmpeg.run(args, {
        signal: ctx.signal,
        onProgress: (p) => ctx.progress(duration > 0 ? Math.min(0.99, p.outTime / duration) : 0, 'rendering'),
      });
    });
    return { output, ranges: ranges.length, frames, duration };
  },
});
