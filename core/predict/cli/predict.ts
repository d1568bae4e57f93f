import type { CliCommand } from '../../cli/command.js';
import { EXIT_FAILURE, EXIT_OK, UsageError } from '../../cli/command.js';
import { formatDuration, table } from '../../cli/output.js';
import { waitForJobs } from '../../cli/wait.js';
import type { Segment } from '../../segments/types.js';
import { predictOutput } from '../../predict/predict-job.js';

/** The CLI's shape of a segment (stable for scripts). */
export function segmentJson(s: Segment) {
  return {
    id: s.id,
    label: s.label,
    start: s.start,
    end: s.end,
    startFrame: s.startFrame,
    endFrame: s.endFrame,
    source: s.source,
    model: s.model,
    meanScore: s.meanScore,
    maxScore: s.maxScore,
    validated: s.validated,
  };
}

export function segmentsTable(segs: Segment[]): string {
  return table(
    ['id', 'label', 'start', 'end', 'frames', 'source', 'model', 'mean', 'max', 'validated'],
    segs.map((s) => [
      String(s.id),
      s.label,
      formatDuration(s.start),
      formatDuration(s.end),
      `${s.startFrame}–${s.endFrame}`,
      s.source,
      s.model ? `${s.model}@${s.modelVersion ?? '?'}` : '-',
      s.meanScore === null ? '' : s.meanScore.toFixed(2),
      s.maxScore === null ? '' : s.maxScore.toFixed(2),
      s.validated ? 'yes' : '',
    ]),
  );
}

function parseFps(v: unknown): number | 'all' | undefined {
  if (v === undefined) return undefined;
  const text = String(v);
  if (text === 'all') return 'all';
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || n > 240)
    throw new UsageError(`--fps must be a number of samples per second (0 < N ≤ 240) or "all", got "${text}"`);
  return n;
}

export const predictCommand: CliCommand = {
  name: 'predict',
  summary: 'Run a prediction model over a video and store its segments (frames never touch the disk)',
  usage: 'predict <video> [--model <name>] [--fps <N>|all]',
  help:
    '  <video>         a video id (see `framewise list`) or its imported path\n' +
    '  --model <name>  a model from `framewise models list` (default: the default model)\n' +
    '  --fps <N>|all   samples per second (default: the predictSampleFps setting, 5); "all" = every frame\n' +
    'Prints the segments found. Exit code 1 when the prediction fails.',
  options: { model: { type: 'string' }, fps: { type: 'string' } },
  async run({ args, options, out, openCore }) {
    if (args.length !== 1) throw new UsageError('predict takes exactly one video');
    const fps = parseFps(options.fps);
    const core = await openCore({ runJobs: true, ownJobsOnly: true });
    const res = await core.call('predict.run', {
      video: args[0]!,
      ...(options.model ? { model: String(options.model) } : {}),
      ...(fps !== undefined ? { fps } : {}),
    });
    const [job] = await waitForJobs(core, out, [res.job.id], () => `predict ${res.model}`);
    if (!job || job.state !== 'succeeded') {
      const error = job?.error ?? { code: 'internal', message: `prediction ${job?.state ?? 'failed'}` };
      out.result({ jobId: res.job.id, state: job?.state ?? 'failed', error }, () => `✗ ${error.message}`);
      return EXIT_FAILURE;
    }
    const output = predictOutput.parse(job.output);
    const segments = await core.call('segments.list', { video: job.videoId!, model: output.model, sources: ['prediction'] });
    out.result(
      {
        jobId: job.id,
        state: job.state,
        videoId: job.videoId,
        model: output.model,
        modelVersion: output.modelVersion,
        sampleFps: res.sampleFps,
        samples: output.samples,
        labels: output.labels,
        segments: segments.map(segmentJson),
      },
      () =>
        `${output.model}@${output.modelVersion}: ${output.samples} samples (${res.sampleFps === null ? 'every frame' : `${res.sampleFps}/s`}), ` +
        `${segments.length} segment${segments.length === 1 ? '' : 's'}\n` +
        (segments.length ? segmentsTable(segments) : ''),
    );
    return EXIT_OK;
  },
};
