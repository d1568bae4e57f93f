import type { CliCommand } from '../cli/command.js';
import { EXIT_FAILURE, EXIT_OK, UsageError } from '../cli/command.js';
import { table } from '../cli/output.js';
import { waitForJobs } from '../cli/wait.js';
import type { CoreHandle as Core } from '../handle.js';
import { SCOPES } from './commands.js';

const pct = (x: number) => `${Math.round(x * 100)} %`;

function fraction(name: string, raw: unknown, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new UsageError(`--${name} must be a number from 0 to 1, got "${String(raw)}"`);
  return n;
}

/** Fingerprint every video that has none yet (libraries from before fingerprints existed); false if one failed. */
async function fingerprintAll(core: Core, out: Parameters<CliCommand['run']>[0]['out']): Promise<boolean> {
  const { videos } = await core.call('videos.list', { limit: 100000 });
  const jobs: number[] = [];
  for (const v of videos) {
    const r = await core.call('similar.fingerprint', { video: v.id });
    if (r.jobId !== null) jobs.push(r.jobId);
  }
  if (!jobs.length) return true;
  const done = await waitForJobs(core, out, jobs, (j) => `fingerprint video ${j.videoId ?? ''}`);
  const failed = done.filter((j) => j.state !== 'succeeded');
  for (const j of failed) out.error(`video ${j.videoId ?? '?'}: ${j.error?.message ?? 'fingerprinting did not finish'}`);
  return !failed.length;
}

export const duplicatesCommand: CliCommand = {
  name: 'duplicates',
  summary: 'Near-duplicate videos in the library (re-encoded, resized, cropped, brightened or trimmed copies)',
  usage: 'duplicates [--threshold 0.8] [--video <video>]',
  help:
    '  --threshold <0..1>  the share of the overlapping pictures that must match (default 0.8)\n' +
    '  --video <video>     only pairs with this video\n' +
    'Videos without a fingerprint are fingerprinted first.',
  options: { threshold: { type: 'string' }, video: { type: 'string' } },
  async run({ options, out, openCore }) {
    const threshold = fraction('threshold', options.threshold, 0.8);
    const core = await openCore({ runJobs: true, ownJobsOnly: true });
    const ok = await fingerprintAll(core, out);
    const pairs = await core.call('similar.duplicates', {
      threshold,
      ...(options.video !== undefined ? { video: String(options.video) } : {}),
    });
    out.result({ threshold, pairs }, () =>
      pairs.length
        ? table(
            ['video', 'looks like', 'match', 'offset', 'decision'],
            pairs.map((p) => [
              `${p.videoId} ${p.videoName}`,
              `video ${p.otherId} ${p.otherName}`,
              pct(p.score),
              `${p.offsetSeconds.toFixed(1)} s`,
              p.decision ?? '-',
            ]),
          )
        : 'No near-duplicates.',
    );
    return ok ? EXIT_OK : EXIT_FAILURE;
  },
};

/** `12:3` → video "12", clip 3; a path with a colon but no clip number stays whole. */
export function parseClipRef(ref: string): { video: string; clip?: number } {
  const m = /^(.*):(\d+)$/.exec(ref);
  return m && m[1] ? { video: m[1], clip: Number(m[2]) } : { video: ref };
}

export const similarCommand: CliCommand = {
  name: 'similar',
  summary: 'The clips most like a clip, a frame or an image, across the library (cosine similarity of fingerprints or embeddings)',
  usage:
    'similar <video>[:<clip>] | <video> --at <seconds> | <video> --frame <n> | --image <file>  [--fingerprint | --model name] [--top 10] [--scope all|same|other] [--threshold -1..1] [--label name]',
  help:
    '  <video>:<clip>   the clip by its position (from 1); without it, the first clip\n' +
    '  --at <seconds>   the single frame at this time of <video> (that picture, not its clip)\n' +
    '  --frame <n>      the single frame number n (from 0) of <video>\n' +
    '  --image <file>   a picture file (PNG, JPEG, …) instead of a video\n' +
    '  --fingerprint    compare keyframe fingerprints (the default)\n' +
    '  --model <name>   compare clip embeddings of an embedding model (add it with `framewise models add`)\n' +
    '  --top <n>        how many clips (default 10)\n' +
    '  --scope <s>      all (default), same (this video only), other (other videos only)\n' +
    '  --threshold <x>  only clips at least this similar (cosine, -1..1)\n' +
    '  --label <name>   only clips overlapping a segment with this label\n' +
    'Clips without a fingerprint (or embedding) get one first; Ctrl-C cancels that.',
  options: {
    fingerprint: { type: 'boolean' },
    model: { type: 'string' },
    at: { type: 'string' },
    frame: { type: 'string' },
    image: { type: 'string' },
    top: { type: 'string' },
    scope: { type: 'string' },
    threshold: { type: 'string' },
    label: { type: 'string' },
  },
  async run({ args, options, out, openCore }) {
    const image = options.image === undefined ? undefined : String(options.image);
    if (image !== undefined ? args.length !== 0 : args.length !== 1)
      throw new UsageError('similar takes one <video>[:<clip>], or --image <file> without a video');
    if (options.fingerprint && options.model !== undefined) throw new UsageError('--fingerprint and --model exclude each other');
    if ([options.at, options.frame, image].filter((x) => x !== undefined).length > 1)
      throw new UsageError('--at, --frame and --image exclude each other');
    const at = options.at === undefined ? undefined : Number(options.at);
    if (at !== undefined && !(Number.isFinite(at) && at >= 0)) throw new UsageError('--at must be seconds from 0');
    const frame = options.frame === undefined ? undefined : Number(options.frame);
    if (frame !== undefined && !(Number.isInteger(frame) && frame >= 0)) throw new UsageError('--frame must be a whole number from 0');
    const top = options.top === undefined ? 10 : Number(options.top);
    if (!Number.isInteger(top) || top < 1 || top > 1000) throw new UsageError(`--top must be a whole number from 1 to 1000`);
    const scope = options.scope === undefined ? 'all' : String(options.scope);
    if (!SCOPES.includes(scope as (typeof SCOPES)[number])) throw new UsageError(`--scope must be one of ${SCOPES.join(', ')}`);
    const threshold = options.threshold === undefined ? undefined : Number(options.threshold);
    if (threshold !== undefined && !(threshold >= -1 && threshold <= 1)) throw new UsageError('--threshold must be from -1 to 1');
    const ref = image === undefined ? parseClipRef(args[0]!) : null;
    if (ref?.clip !== undefined && (at !== undefined || frame !== undefined))
      throw new UsageError('give a clip (<video>:<clip>) or a frame (--at, --frame), not both');
    const model = options.model !== undefined ? String(options.model) : undefined;
    // This process runs the clip jobs the search needs (progress shown, Ctrl-C cancels them), then searches.
    const core = await openCore({ runJobs: true, ownJobsOnly: true });
    const { jobIds } = await core.call('similar.prepare', model !== undefined ? { model } : {});
    if (jobIds.length) {
      const done = await waitForJobs(core, out, jobIds, (j) => `${j.kind} video ${j.videoId ?? ''}`);
      const failed = done.filter((j) => j.state !== 'succeeded');
      for (const j of failed) out.error(`video ${j.videoId ?? '?'}: ${j.error?.message ?? `${j.kind} did not finish`}`);
      if (failed.length) return EXIT_FAILURE;
    }
    const r = await core.call('similar.search', {
      ...(image !== undefined ? { image } : { video: ref!.video }),
      ...(ref?.clip !== undefined ? { clip: ref.clip } : {}),
      ...(at !== undefined ? { time: at } : {}),
      ...(frame !== undefined ? { frame } : {}),
      top,
      scope: scope as (typeof SCOPES)[number],
      ...(threshold !== undefined ? { threshold } : {}),
      ...(model !== undefined ? { model } : {}),
      ...(options.label !== undefined ? { label: String(options.label) } : {}),
    });
    out.result(r, () =>
      table(
        ['video', 'clip', 'start', 'end', 'similarity'],
        r.results.map((c) => [`${c.videoId} ${c.videoName}`, String(c.n), c.start.toFixed(3), c.end.toFixed(3), c.similarity.toFixed(3)]),
      ),
    );
    return EXIT_OK;
  },
};
