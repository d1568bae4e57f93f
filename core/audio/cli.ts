import path from 'node:path';
import { EXIT_FAILURE, EXIT_OK, UsageError, type CliCommand } from '../cli/command.js';
import { batchSummary, expandInputs, itemFromJob, resolveLibraryVideos, summaryText, type BatchItem } from '../cli/inputs.js';
import { waitForJobs } from '../cli/wait.js';
import { checkOutputFolder } from '../util/output-file.js';
import { detectOutput } from './detect-job.js';
import { parseThreshold } from './loudness.js';

const num = (v: unknown, name: string): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${name} must be a non-negative number`);
  return n;
};

const span = (r: { start: number; end: number }) => ({ start: Number(r.start.toFixed(6)), end: Number(r.end.toFixed(6)) });

export const silenceCommand: CliCommand = {
  name: 'silence',
  summary: 'Detect silence (loudness, auto-editor defaults) or speech (voice activity); optionally write the cut file',
  usage: 'silence <video>… [--method loudness|speech] [--threshold 0.04|-28dB] [--margin 0.2] [--remove -o <file|folder>] [--speed <n>]',
  help: [
    '  --method     loudness (default: a frame is loud when its peak reaches the threshold) or speech (Silero VAD)',
    '  --threshold  loudness: fraction of full scale (0.04), percent (4%) or dB (-28dB); speech: probability (0.5)',
    '  --margin     seconds kept around loud parts / speech (0.2)',
    '  --min-clip   loud parts shorter than this are silence (0.1 s); --min-cut: shorter silences are kept (0.2 s)',
    '  --remove     write the edited file (-o: a file for one video, a folder for several); the original is never changed',
    '  --speed      with --remove: play the silent parts this many times faster instead of cutting them',
  ].join('\n'),
  options: {
    method: { type: 'string' },
    threshold: { type: 'string' },
    margin: { type: 'string' },
    'min-clip': { type: 'string' },
    'min-cut': { type: 'string' },
    remove: { type: 'boolean' },
    speed: { type: 'string' },
    output: { type: 'string', short: 'o' },
  },
  async run({ args, options, out, json, openCore }) {
    if (!args.length) throw new UsageError('silence needs at least one video');
    const method = (options.method as string | undefined) ?? 'loudness';
    if (method !== 'loudness' && method !== 'speech') throw new UsageError('--method must be loudness or speech');
    let threshold: number | undefined;
    if (options.threshold !== undefined) {
      const t = parseThreshold(String(options.threshold));
      if (t === null || !(t > 0 && t <= 1)) throw new UsageError('--threshold must be in (0, 1], a percentage or a dB value below 0');
      threshold = t;
    }
    const margin = num(options.margin, 'margin');
    const minClip = num(options['min-clip'], 'min-clip');
    const minCut = num(options['min-cut'], 'min-cut');
    const speed = num(options.speed, 'speed');
    if (speed !== undefined && !(speed > 1)) throw new UsageError('--speed must be greater than 1');
    const inputs = await expandInputs(args);
    if (!inputs.length) throw new UsageError('no input matched');
    const remove = options.remove === true;
    const output = options.output as string | undefined;
    if (remove && !output) throw new UsageError('--remove needs -o <file> (or a folder for several videos)');
    if (remove && inputs.length > 1) await checkOutputFolder(output!);

    const core = await openCore({ runJobs: true, ownJobsOnly: true });
    const videos = await resolveLibraryVideos(core, inputs, out);
    const items: BatchItem[] = videos.filter((v) => v.videoId === null).map((v) => ({ input: v.input, status: 'failed', error: v.error! }));
    const ready = videos.filter((v): v is typeof v & { videoId: number } => v.videoId !== null);
    const detectIds: Array<{ input: string; videoId: number; jobId: number | null; error?: BatchItem['error'] }> = [];
    for (const v of ready) {
      try {
        const { job } = await core.call('audio.detect', {
          videoId: v.videoId,
          method,
          ...(threshold !== undefined ? { threshold } : {}),
          ...(margin !== undefined ? { margin } : {}),
          ...(minClip !== undefined ? { minClip } : {}),
          ...(minCut !== undefined ? { minCut } : {}),
        });
        detectIds.push({ input: v.input, videoId: v.videoId, jobId: job.id });
      } catch (err) {
        const e = err as { code?: string; message: string };
        detectIds.push({
          input: v.input,
          videoId: v.videoId,
          jobId: null,
          error: { code: (e.code ?? 'internal') as never, message: e.message },
        });
      }
    }
    const detectJobs = await waitForJobs(
      core,
      out,
      detectIds.flatMap((d) => (d.jobId === null ? [] : [d.jobId])),
      () => `${method} detection`,
    );
    const byId = new Map(detectJobs.map((j) => [j.id, j]));
    for (const d of detectIds) {
      if (d.jobId === null) {
        items.push({ input: d.input, status: 'failed', error: d.error! });
        continue;
      }
      const job = byId.get(d.jobId);
      const parsed = detectOutput.safeParse(job?.output);
      const extra = parsed.success
        ? {
            videoId: d.videoId,
            method,
            duration: parsed.data.duration,
            silences: parsed.data.silences.map(span),
            keep: parsed.data.keep.map(span),
            keptDuration: Number(parsed.data.keptDuration.toFixed(6)),
          }
        : {};
      items.push(itemFromJob(d.input, job, extra));
    }
    if (remove) {
      const applyIds: Array<{ item: BatchItem; jobId: number }> = [];
      for (const item of items.filter((i) => i.status === 'done')) {
        const dest =
          inputs.length > 1 ? path.join(output!, `${path.parse(item.input).name}-cut${path.extname(item.input) || '.mp4'}`) : output!;
        try {
          const { job } = await core.call('audio.apply', {
            videoId: item.videoId as number,
            lane: method === 'speech' ? 'speech' : 'silence',
            mode: speed ? 'speed' : 'cut',
            ...(speed ? { speed } : {}),
            output: path.resolve(dest),
          });
          applyIds.push({ item, jobId: job.id });
        } catch (err) {
          const e = err as { code?: string; message: string };
          Object.assign(item, { status: 'failed', error: { code: e.code ?? 'internal', message: e.message } });
        }
      }
      const applied = await waitForJobs(
        core,
        out,
        applyIds.map((a) => a.jobId),
        () => 'rendering',
      );
      for (const a of applyIds) {
        const job = applied.find((j) => j.id === a.jobId);
        const res = itemFromJob(a.item.input, job);
        if (res.status === 'done') a.item.output = (job!.output as { output: string }).output;
        else Object.assign(a.item, { status: res.status, error: res.error });
      }
    }
    const single = args.length === 1 && inputs.length === 1 && items.length === 1;
    const failed = items.some((i) => i.status !== 'done');
    if (single) {
      const it = items[0]!;
      if (it.status !== 'done') {
        out.error(`${it.input}: ${it.error?.message ?? it.status}`);
        if (json) out.result({ error: it.error }, () => '');
        return EXIT_FAILURE;
      }
      const { input, status, ...rest } = it;
      void status;
      out.result({ input, ...rest }, () =>
        [
          `${it.input}: kept ${(it.keptDuration as number).toFixed(3)} s of ${(it.duration as number).toFixed(3)} s`,
          ...(it.keep as Array<{ start: number; end: number }>).map((k) => `  keep ${k.start.toFixed(3)}–${k.end.toFixed(3)}`),
          ...(it.output ? [`✓ wrote ${it.output}`] : []),
        ].join('\n'),
      );
      return EXIT_OK;
    }
    out.result({ results: items, summary: batchSummary(items) }, () => summaryText(items));
    return failed ? EXIT_FAILURE : EXIT_OK;
  },
};
