import { EXIT_FAILURE, EXIT_OK, UsageError, type CliCommand, type CliContext } from '../cli/command.js';
import { batchSummary, expandInputs, itemFromJob, summaryText, type BatchItem } from '../cli/inputs.js';
import { table } from '../cli/output.js';
import { waitForJobs } from '../cli/wait.js';
import type { BatchStart } from './handlers.js';

const int = (v: unknown, name: string): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a whole number`);
  return n;
};
const list = (v: unknown): number[] =>
  String(v)
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)
    .map((x) => {
      const n = Number(x);
      if (!Number.isFinite(n) || n < 0) throw new UsageError(`"${x}" is not a number`);
      return n;
    });

/** Wait for a batch's jobs and print one result: a single item's result, or every item plus one summary. */
async function finishBatch(
  ctx: CliContext,
  core: Awaited<ReturnType<CliContext['openCore']>>,
  started: BatchStart,
  what: string,
  single: boolean,
): Promise<number> {
  const jobs = await waitForJobs(
    core,
    ctx.out,
    started.jobs.map((j) => j.jobId),
    () => what,
  );
  const items: BatchItem[] = started.errors.map((e) => ({ input: e.input, status: 'failed', error: e.error }));
  for (const j of started.jobs) {
    const job = jobs.find((x) => x.id === j.jobId);
    items.push(
      itemFromJob(j.input, job, { output: j.output, ...(job?.output && typeof job.output === 'object' ? (job.output as object) : {}) }),
    );
  }
  const failed = items.some((i) => i.status !== 'done');
  if (single && items.length === 1) {
    const it = items[0]!;
    if (it.status !== 'done') {
      ctx.out.error(`${it.input}: ${it.error?.message ?? it.status}`);
      if (ctx.json) ctx.out.result({ error: it.error }, () => '');
      return EXIT_FAILURE;
    }
    // Notes say what the output goes without (a merge's bitmap subtitle tracks).
    const notes = (it as { notes?: unknown }).notes;
    const noted = Array.isArray(notes) ? notes.map((n) => `\n  — ${String(n)}`).join('') : '';
    ctx.out.result(it, () => `✓ ${it.input} → ${String(it.output)}${noted}`);
    return EXIT_OK;
  }
  ctx.out.result({ results: items, summary: batchSummary(items) }, () => summaryText(items));
  return failed ? EXIT_FAILURE : EXIT_OK;
}

export const convertCommand: CliCommand = {
  name: 'convert',
  summary: 'Convert videos with a preset (mp4-h264, webm-vp9, mov-prores, audio-wav, remux-mkv, …); many files at once',
  usage:
    'convert <video>… --preset <name> -o <file|folder> [--max-height N] [--max-width N] [--fps R] [--crf N] [--no-audio] [--strip key,…|all]\n  convert --list-presets\n  convert --save-preset <name> --preset <base> [options]   |   convert --delete-preset <name>',
  options: {
    preset: { type: 'string' },
    output: { type: 'string', short: 'o' },
    'max-height': { type: 'string' },
    'max-width': { type: 'string' },
    fps: { type: 'string' },
    crf: { type: 'string' },
    'no-audio': { type: 'boolean' },
    strip: { type: 'string' },
    'list-presets': { type: 'boolean' },
    'save-preset': { type: 'string' },
    'delete-preset': { type: 'string' },
  },
  async run(ctx) {
    const { args, options, out, openCore } = ctx;
    const core = await openCore(
      options['list-presets'] || options['save-preset'] || options['delete-preset'] ? {} : { runJobs: true, ownJobsOnly: true },
    );
    if (options['list-presets']) {
      const presets = await core.call('convert.presets', {});
      out.result(presets, () =>
        table(
          ['name', 'kind', 'ext', 'encoders', 'available', 'description'],
          presets.map((p) => [
            p.name,
            p.builtin ? p.kind : `${p.kind} (saved)`,
            p.ext,
            p.encoders.join('+') || 'copy',
            p.available ? 'yes' : 'NO',
            p.description,
          ]),
        ),
      );
      return EXIT_OK;
    }
    if (options['delete-preset']) {
      const r = await core.call('convert.deletePreset', { name: String(options['delete-preset']) });
      out.result(r, () => `✓ preset "${r.deleted}" deleted`);
      return EXIT_OK;
    }
    const fps = options.fps as string | undefined;
    if (fps !== undefined && !/^\d+(\/\d+)?$/.test(fps)) throw new UsageError('--fps must be a number or a fraction like 30000/1001');
    const maxHeight = int(options['max-height'], 'max-height');
    const maxWidth = int(options['max-width'], 'max-width');
    const crf = int(options.crf, 'crf');
    const convertOptions = {
      ...(maxHeight !== undefined ? { maxHeight } : {}),
      ...(maxWidth !== undefined ? { maxWidth } : {}),
      ...(fps ? { fps } : {}),
      ...(crf !== undefined ? { crf } : {}),
      ...(options['no-audio'] ? { audio: false } : {}),
      ...(options.strip ? { strip: String(options.strip).split(',').filter(Boolean) } : {}),
    };
    const preset = options.preset as string | undefined;
    if (!preset) throw new UsageError('convert needs --preset <name> (see convert --list-presets)');
    if (options['save-preset']) {
      const saved = await core.call('convert.savePreset', { name: String(options['save-preset']), base: preset, options: convertOptions });
      out.result(saved, () => `✓ preset "${saved.name}" saved (${saved.base} with ${JSON.stringify(saved.options)})`);
      return EXIT_OK;
    }
    if (!args.length) throw new UsageError('convert needs at least one video');
    if (!options.output) throw new UsageError('convert needs -o <file> (or a folder for several videos)');
    const inputs = await expandInputs(args);
    if (!inputs.length) throw new UsageError('no input matched');
    const started = await core.call('convert.start', { inputs, preset, options: convertOptions, output: String(options.output) });
    return finishBatch(ctx, core, started, `convert (${preset})`, inputs.length === 1);
  },
};

export const framesCommand: CliCommand = {
  name: 'frames',
  summary: 'Save still frames (upright, named by frame number and time), optionally a contact sheet',
  usage:
    'frames <video>… (--every <s> | --at <s,s,…> | --frames <n,n,…> | --count <n>) -o <folder> [--format png|jpg] [--width N] [--contact-sheet] [--columns N]',
  options: {
    every: { type: 'string' },
    at: { type: 'string' },
    frames: { type: 'string' },
    count: { type: 'string' },
    output: { type: 'string', short: 'o' },
    format: { type: 'string' },
    width: { type: 'string' },
    'contact-sheet': { type: 'boolean' },
    columns: { type: 'string' },
  },
  async run(ctx) {
    const { args, options } = ctx;
    if (!args.length) throw new UsageError('frames needs at least one video');
    if (!options.output) throw new UsageError('frames needs -o <folder>');
    const given = ['every', 'at', 'frames', 'count'].filter((k) => options[k] !== undefined);
    if (given.length !== 1) throw new UsageError('give exactly one of --every, --at, --frames, --count');
    const select =
      options.every !== undefined
        ? { every: list(options.every)[0]! }
        : options.at !== undefined
          ? { at: list(options.at) }
          : options.frames !== undefined
            ? { frames: list(options.frames).map((n) => Math.floor(n)) }
            : { count: int(options.count, 'count')! };
    const format = (options.format as string | undefined) ?? 'png';
    if (format !== 'png' && format !== 'jpg') throw new UsageError('--format must be png or jpg');
    const width = int(options.width, 'width');
    const columns = int(options.columns, 'columns');
    const inputs = await expandInputs(args);
    const core = await ctx.openCore({ runJobs: true, ownJobsOnly: true });
    const started = await core.call('frames.start', {
      inputs,
      select,
      outDir: String(options.output),
      format,
      ...(width ? { width } : {}),
      ...(options['contact-sheet'] ? { contactSheet: true } : {}),
      ...(columns ? { columns } : {}),
    });
    return finishBatch(ctx, core, started, 'frames', inputs.length === 1);
  },
};

export const mergeCommand: CliCommand = {
  name: 'merge',
  summary: 'Join videos end to end (lossless when they match, else re-encoded to the first one’s size and rate)',
  usage: 'merge <video> <video>… -o <out.mp4> [--reencode]',
  options: { output: { type: 'string', short: 'o' }, reencode: { type: 'boolean' } },
  async run(ctx) {
    const { args, options } = ctx;
    const inputs = await expandInputs(args);
    if (inputs.length < 2) throw new UsageError('merge needs at least two videos');
    if (!options.output) throw new UsageError('merge needs -o <file>');
    const core = await ctx.openCore({ runJobs: true, ownJobsOnly: true });
    const { job } = await core.call('merge.start', {
      inputs,
      output: String(options.output),
      ...(options.reencode ? { reencode: true } : {}),
    });
    return finishBatch(
      ctx,
      core,
      { jobs: [{ input: inputs.join(' + '), jobId: job.id, output: String(options.output) }], errors: [] },
      'merge',
      true,
    );
  },
};
