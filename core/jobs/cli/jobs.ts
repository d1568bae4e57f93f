import type { CliCommand } from '../../cli/command.js';
import { EXIT_FAILURE, EXIT_OK } from '../../cli/command.js';
import { formatEta, table } from '../../cli/output.js';
import type { JobSummary } from '../../jobs/types.js';
import type { CommandInput } from '../../command-registry.js';
import { UsageError } from '../../cli/command.js';
import { describeRunBy } from '../runners.js';

function row(j: JobSummary): string[] {
  return [
    String(j.id),
    j.kind,
    j.videoId === null ? '-' : String(j.videoId),
    j.state,
    j.state === 'running' ? `${Math.floor(j.progress * 100)}%` : '',
    j.stage ?? '',
    j.state === 'running' ? formatEta(j.etaSeconds) : '',
    j.error
      ? j.error.message.slice(0, 80)
      : j.state === 'interrupted'
        ? 'its process stopped; it runs again when a process that runs jobs starts'
        : '',
    describeRunBy(j),
  ];
}

export const jobsCommand: CliCommand = {
  name: 'jobs',
  summary: 'List jobs; --watch follows them live (also jobs run by another Framewise process)',
  usage: 'jobs [--watch] [--run] [--state queued|running|interrupted|succeeded|failed|cancelled] [--video <id>]',
  help: [
    '  --watch  redraw until no job is queued or running (with --json: one JSON line per change)',
    '  --run    run the queued jobs no live process will run (left by a process that stopped), then exit',
    '"run by" names the process that runs a job, or will run it when it is queued.',
  ].join('\n'),
  options: { watch: { type: 'boolean' }, run: { type: 'boolean' }, state: { type: 'string', multiple: true }, video: { type: 'string' } },
  async run({ options, out, openCore, json }) {
    if (options.run) {
      const core = await openCore({ runJobs: true });
      await core.services.runner!.runUntilIdle();
      const jobs = await core.call('jobs.list', { states: ['queued', 'running', 'interrupted'] });
      out.result({ ran: true, left: jobs }, () =>
        jobs.length
          ? `Still queued or running elsewhere:\n${jobs.map((j) => `#${j.id} ${j.kind}: ${j.state}, run by ${describeRunBy(j)}`).join('\n')}`
          : 'No job left to run.',
      );
      return EXIT_OK;
    }
    const core = await openCore();
    const states = (options.state as string[] | undefined) ?? undefined;
    const filter: CommandInput<'jobs.list'> = {};
    if (states) filter.states = states as JobSummary['state'][];
    if (options.video) filter.videoId = Number(options.video);
    if (!options.watch) {
      const jobs = await core.call('jobs.list', filter);
      out.result(jobs, () =>
        jobs.length ? table(['id', 'kind', 'video', 'state', 'progress', 'stage', 'eta', 'error', 'run by'], jobs.map(row)) : 'No jobs.',
      );
      return EXIT_OK;
    }
    // Watch by polling the database: jobs may be running in another process (the app, `serve`).
    const seen = new Map<number, string>();
    let stop = false;
    process.once('SIGINT', () => (stop = true));
    const view = out.progress();
    for (;;) {
      const jobs = await core.call('jobs.list', filter);
      for (const j of jobs) {
        const key = `${j.state}:${Math.floor(j.progress * 100)}:${j.stage}`;
        if (seen.get(j.id) === key) continue;
        const first = !seen.has(j.id);
        seen.set(j.id, key);
        if (json) out.jsonLine(j);
        else if (j.state === 'running' || j.state === 'queued')
          view.update(j.id, `#${j.id} ${j.kind}`, j.progress, j.stage ?? j.state, j.etaSeconds);
        else if (!first) view.done(j.id, `#${j.id} ${j.kind}`, j, j.error?.message ?? '');
      }
      if (stop || !jobs.some((j) => j.state === 'running' || j.state === 'queued')) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    view.finish();
    return EXIT_OK;
  },
};

export const cancelCommand: CliCommand = {
  name: 'cancel',
  summary: 'Cancel a queued or running job (its ffmpeg process is killed)',
  usage: 'cancel <job-id>',
  async run({ args, out, openCore }) {
    if (args.length !== 1 || !/^\d+$/.test(args[0]!)) throw new UsageError('cancel takes one job id');
    const core = await openCore();
    const job = await core.call('jobs.cancel', { id: Number(args[0]) });
    out.result(job, () => `job ${job.id} (${job.kind}): ${job.state}`);
    return job.state === 'cancelled' ? EXIT_OK : EXIT_FAILURE;
  },
};

export const retryCommand: CliCommand = {
  name: 'retry',
  summary: 'Run a failed or cancelled job again',
  usage: 'retry <job-id>',
  async run({ args, out, openCore }) {
    if (args.length !== 1 || !/^\d+$/.test(args[0]!)) throw new UsageError('retry takes one job id');
    const core = await openCore();
    const res = await core.call('jobs.retry', { id: Number(args[0]) });
    out.result(res, () => `queued job ${res.job.id} (${res.job.kind})`);
    return EXIT_OK;
  },
};
