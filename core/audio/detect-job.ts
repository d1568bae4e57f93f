import { z } from 'zod';
import { defineJobKind } from '../jobs/kind.js';
import { requireProbedVideo } from '../library/video-jobs.js';
import { loadGrid } from '../review/grid.js';
import { detectByLoudness, detectBySpeech, requireAudio, type SilenceResult } from './detect.js';
import { loudnessOptionsSchema } from './loudness.js';
import { replaceLaneSegments } from './segment-store.js';

export const detectInput = z.object({
  videoId: z.number().int().positive(),
  method: z.enum(['loudness', 'speech']).default('loudness'),
  /** Loudness: fraction of full scale. Speech: VAD probability (default 0.5). */
  threshold: z.number().gt(0).lte(1).optional(),
  /** Seconds kept around loud parts / speech. */
  margin: z.number().min(0).max(30).default(0.2),
  minClip: z.number().min(0).max(60).default(0.1),
  minCut: z.number().min(0).max(60).default(0.2),
});
export type DetectInput = z.output<typeof detectInput>;

const range = z.object({ startFrame: z.number().int(), endFrame: z.number().int(), start: z.number(), end: z.number() });
export const detectOutput = z.object({
  method: z.enum(['loudness', 'speech']),
  fps: z.object({ num: z.number(), den: z.number() }),
  frameCount: z.number().int(),
  duration: z.number(),
  silences: z.array(range),
  keep: z.array(range),
  keptDuration: z.number(),
  speech: z.array(range).optional(),
  /** Segments stored in the lane. */
  stored: z.number().int().default(0),
});
export type DetectOutput = z.output<typeof detectOutput>;

/** Silence (auto-editor loudness) or speech (Silero VAD) detection; results become segments in a lane. */
export const audioDetectJob = defineJobKind({
  kind: 'audio.detect',
  title: 'Detect silence / speech',
  input: detectInput,
  output: detectOutput,
  videoId: (i) => i.videoId,
  async precondition(services, input) {
    const row = await requireProbedVideo(services, input.videoId);
    if (row.audio_streams < 1) requireAudio({ streams: [] } as never, row.path);
  },
  async run(ctx, input): Promise<DetectOutput> {
    const row = await requireProbedVideo(ctx.services, input.videoId);
    const info = await ctx.services.ffmpeg.probe(row.path, ctx.signal);
    const g = await loadGrid(ctx.services.db.reader, input.videoId);
    const run = {
      signal: ctx.signal,
      grid: { fps: { num: g.num, den: g.den }, frameCount: g.frameCount },
      onProgress: (f: number) => ctx.progress(f, input.method),
    };
    let result: SilenceResult;
    if (input.method === 'speech') {
      result = await detectBySpeech(
        ctx.services.ffmpeg,
        row.path,
        info,
        { margin: input.margin, minCut: input.minCut, ...(input.threshold !== undefined ? { threshold: input.threshold } : {}) },
        run,
      );
    } else {
      const opts = loudnessOptionsSchema.parse({
        threshold: input.threshold ?? 0.04,
        marginBefore: input.margin,
        marginAfter: input.margin,
        minClip: input.minClip,
        minCut: input.minCut,
      });
      result = await detectByLoudness(ctx.services.ffmpeg, row.path, info, opts, run);
    }
    return { ...result, stored: 0 };
  },
  async commit(trx, input, out) {
    const lane = out.method === 'speech' ? 'speech' : 'silence';
    const stored = await replaceLaneSegments(trx, input.videoId, lane, lane === 'speech' ? out.keep : out.silences, { ...input });
    return { ...out, stored };
  },
  async afterCommit(services, input) {
    services.events.emit({ type: 'data.changed', videoId: input.videoId, topic: 'segments' });
  },
});
