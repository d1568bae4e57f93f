import path from 'node:path';
import type { CoreHandle as Core } from '../handle.js';
import type { JobSummary } from '../jobs/types.js';
import type { Output } from '../cli/output.js';
import { waitForJobs } from '../cli/wait.js';
import { FramewiseError } from '../util/errors.js';

/**
 * Before anonymizing from the command line: make sure the video has been read by OCR (endoscope region,
 * text boxes, patient fields) and, with a model, run prediction (outside segments). Uses the OCR and
 * prediction capabilities through their commands, so either may be absent from a build.
 */
type AnyCall = (name: string, input: unknown) => Promise<unknown>;

export async function prepareAnalyses(
  core: Core,
  out: Output,
  videoId: number,
  opts: { profile?: string; model?: string } = {},
): Promise<void> {
  const call = core.call.bind(core) as AnyCall;
  const registry = core.services.registry;
  const label = async () => path.basename((await core.call('videos.get', { video: videoId })).name);
  const runAndWait = async (what: string, start: () => Promise<unknown>) => {
    const { job } = (await start()) as { job: JobSummary };
    const [done] = await waitForJobs(core, out, [job.id], () => `${what} (video ${videoId})`);
    if (done?.state !== 'succeeded') {
      throw new FramewiseError(
        'precondition',
        `${what} of ${await label()} did not succeed: ${done?.error?.message ?? done?.state ?? 'unknown'}`,
      );
    }
  };
  if (registry.has('ocr')) {
    const previous = await core.call('jobs.list', { videoId, kind: 'ocr', states: ['succeeded'], limit: 1 });
    if (!previous.length || opts.profile) {
      await runAndWait('OCR', () => call('ocr.start', { video: videoId, ...(opts.profile ? { profile: opts.profile } : {}) }));
    }
  } else if (opts.profile) {
    throw new FramewiseError('usage', '--profile needs the OCR capability, which this build does not have');
  }
  if (opts.model) {
    if (!registry.has('predict'))
      throw new FramewiseError('usage', '--model needs the prediction capability, which this build does not have');
    await runAndWait(`prediction with ${opts.model}`, () => call('predict.run', { video: videoId, model: opts.model }));
  }
}
