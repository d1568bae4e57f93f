import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { CliCommand } from '../../cli/command.js';
import { EXIT_FAILURE, EXIT_OK, UsageError } from '../../cli/command.js';
import { waitForJobs } from '../../cli/wait.js';
import { resolveLibraryVideos } from '../../cli/inputs.js';
import type { SerializedError } from '../../util/errors.js';
import type { AnonymizeOptionsInput } from '../../anonymize/types.js';
import { anonymizeJobOutputSchema } from '../../anonymize/job.js';
import { prepareAnalyses } from '../../anonymize/analyses.js';
import { serializeError } from '../../util/errors.js';
import { normalizeText } from '../../anonymize/tokens.js';

export interface AnonymizeCliResult {
  input: string;
  videoId: number | null;
  status: 'verified' | 'rejected' | 'failed' | 'refused' | 'cancelled';
  output?: string;
  sha256?: string;
  jobId?: number;
  warnings?: string[];
  verification?: { ok: boolean; sampledFrames: number; findings: number; seconds: number };
  /** The render's ffmpeg command line, as the export audit keeps it. */
  command?: string[];
  error?: SerializedError;
}

export const anonymizeCommand: CliCommand = {
  name: 'anonymize',
  summary: 'Anonymize videos (mask patient text and outside the endoscope image, cut outside segments, drop audio and metadata), verified',
  usage:
    'anonymize <video-or-path…> -o <output.mp4|outdir/> [--profile name] [--model name] [--outside cut|black] [--keep-audio | --mute-speech] [--crop] [--mask-style fill|blur] [--allow-unreviewed] [--json]',
  help: [
    '  -o, --output <path>   an .mp4 file (one input) or a folder; files are named by pseudonym or a random id, never the original name',
    '  --profile <name>      OCR device profile (overlay layout) used to read the video first',
    '  --model <name>        run prediction with this model first to find outside segments',
    '  --outside cut|black   remove outside segments (default) or black them out',
    '  --keep-audio          keep the audio (cut in sync); default: removed',
    '  --mute-speech         keep ambient/device sound but mute every detected speech segment (checked on the output)',
    '  --crop                crop to the endoscope region instead of blacking out around it',
    '  --allow-unreviewed    also remove unreviewed (predicted) segments',
    '  --mask-style fill|blur  text boxes and time-ranged masks (text seen inside the image) filled black (default)',
    '                          or strongly blurred; verification checks both the same way (--blur = --mask-style blur)',
    '  --preset fast|balanced|quality, --codec h264|hevc',
    'Paths not yet in the library are imported and analysed first. Exit code 0 only when every output is verified.',
  ].join('\n'),
  options: {
    output: { type: 'string', short: 'o' },
    profile: { type: 'string' },
    model: { type: 'string' },
    outside: { type: 'string' },
    'keep-audio': { type: 'boolean' },
    'mute-speech': { type: 'boolean' },
    crop: { type: 'boolean' },
    'allow-unreviewed': { type: 'boolean' },
    preset: { type: 'string' },
    codec: { type: 'string' },
    blur: { type: 'boolean' },
    'mask-style': { type: 'string' },
  },
  async run({ args, options, out, openCore }) {
    if (!args.length) throw new UsageError('anonymize needs at least one video (id or path)');
    const target = options.output as string | undefined;
    if (!target) throw new UsageError('anonymize needs -o <output.mp4|outdir/>');
    if (options.outside !== undefined && options.outside !== 'cut' && options.outside !== 'black')
      throw new UsageError('--outside must be cut or black');
    const maskStyle = options['mask-style'] as string | undefined;
    if (maskStyle !== undefined && maskStyle !== 'fill' && maskStyle !== 'blur') throw new UsageError('--mask-style must be fill or blur');
    if (maskStyle === 'fill' && options.blur) throw new UsageError('--blur contradicts --mask-style fill');
    // Usage errors are reported before anything is imported, read or predicted.
    const ext = path.extname(target).toLowerCase();
    const isDir = existsSync(target) && statSync(target).isDirectory();
    if (ext && ext !== '.mp4' && !isDir) {
      throw new UsageError(`-o ${target}: the output must be an .mp4 file or a folder (not ${ext})`);
    }
    if (ext === '.mp4' && !isDir) {
      if (args.length > 1) throw new UsageError('with several inputs, -o must be a folder');
      const base = normalizeText(path.basename(target, ext));
      const original = normalizeText(path.basename(args[0]!, path.extname(args[0]!)));
      if (!/^\d+$/.test(args[0]!) && original.length >= 3 && base.includes(original)) {
        throw new UsageError(
          'The output name must not carry the original file name (it may identify the patient); use a folder to get a pseudonymous name',
        );
      }
    }
    const core = await openCore({ runJobs: true, ownJobsOnly: true });
    const opts: AnonymizeOptionsInput = {};
    if (options.outside) opts.outside = options.outside as 'cut' | 'black';
    if (options['keep-audio']) opts.keepAudio = true;
    if (options['mute-speech']) opts.muteSpeech = true;
    if (options.crop) opts.crop = true;
    if (options['allow-unreviewed']) opts.allowUnreviewed = true;
    if (options.blur || maskStyle === 'blur') opts.maskStyle = 'blur';
    if (options.preset) opts.preset = options.preset as 'fast';
    if (options.codec) opts.codec = options.codec as 'h264';

    const inputs = await resolveLibraryVideos(core, args, out, { report: 'resolved' });
    const isFile = path.extname(target).toLowerCase() === '.mp4' && !(existsSync(target) && statSync(target).isDirectory());
    if (isFile && inputs.length > 1) throw new UsageError('with several inputs, -o must be a folder');
    const results: AnonymizeCliResult[] = [];
    const started: Array<{ input: string; videoId: number; jobId: number; warnings: string[] }> = [];
    for (const i of inputs) {
      if (i.videoId === null) {
        results.push({ input: i.input, videoId: null, status: 'failed', ...(i.error ? { error: i.error } : {}) });
        continue;
      }
      try {
        await prepareAnalyses(core, out, i.videoId, {
          ...(options.model ? { model: options.model as string } : {}),
          ...(options.profile ? { profile: options.profile as string } : {}),
        });
        const plan = await core.call('anonymize.plan', { video: i.videoId, options: opts });
        const { job } = await core.call('anonymize.start', {
          video: i.videoId,
          output: isFile ? { path: target } : { dir: target },
          options: opts,
        });
        started.push({ input: i.input, videoId: i.videoId, jobId: job.id, warnings: plan.plan.warnings });
        for (const w of plan.plan.warnings) out.info(`${path.basename(i.input)}: warning: ${w}`);
      } catch (err) {
        const e = serializeError(err);
        results.push({ input: i.input, videoId: i.videoId, status: e.code === 'precondition' ? 'refused' : 'failed', error: e });
      }
    }
    const jobs = await waitForJobs(
      core,
      out,
      started.map((s) => s.jobId),
      (j) => `anonymize ${path.basename(started.find((s) => s.jobId === j.id)?.input ?? String(j.videoId))}`,
      (j) => {
        const o = anonymizeJobOutputSchema.safeParse(j.output);
        return j.state === 'succeeded' && o.success ? `verified → ${o.data.outputPath}` : (j.error?.message ?? j.state);
      },
    );
    for (const j of jobs) {
      const s = started.find((x) => x.jobId === j.id)!;
      const o = anonymizeJobOutputSchema.safeParse(j.output);
      if (j.state === 'succeeded' && o.success) {
        const v = o.data.verification;
        for (const w of o.data.warnings ?? []) out.info(`${path.basename(s.input)}: warning: ${w}`);
        results.push({
          input: s.input,
          videoId: s.videoId,
          status: 'verified',
          output: o.data.outputPath,
          sha256: o.data.sha256,
          jobId: j.id,
          // The job's own warnings (previews withdrawn because they could not be made again with its masks).
          warnings: [...s.warnings, ...(o.data.warnings ?? [])],
          verification: { ok: v.ok, sampledFrames: v.sampledFrames, findings: v.findingCount, seconds: v.seconds },
          command: o.data.command,
        });
      } else {
        const status = j.state === 'cancelled' ? 'cancelled' : j.error?.code === 'verification_failed' ? 'rejected' : 'failed';
        results.push({
          input: s.input,
          videoId: s.videoId,
          status,
          jobId: j.id,
          warnings: s.warnings,
          ...(j.error ? { error: { code: j.error.code, message: j.error.message } } : {}),
        });
      }
    }
    const ok = results.filter((r) => r.status === 'verified').length;
    out.result({ results, verified: ok, failed: results.length - ok }, () =>
      [
        ...results.map((r) =>
          r.status === 'verified'
            ? `✓ ${r.input} → ${r.output} (verified, sha256 ${r.sha256?.slice(0, 12)}…)`
            : `✗ ${r.input}: ${r.status} — ${r.error?.message ?? ''}`,
        ),
        `${ok} verified, ${results.length - ok} not`,
      ].join('\n'),
    );
    return ok === results.length && results.length > 0 ? EXIT_OK : EXIT_FAILURE;
  },
};
