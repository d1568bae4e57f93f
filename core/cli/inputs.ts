import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { CoreHandle as Core } from '../handle.js';
import type { JobSummary } from '../jobs/types.js';
import { importOutput } from '../library/import-job.js';
import { MEDIA_EXTENSIONS } from '../library/expand.js';
import { serializeError, type SerializedError } from '../util/errors.js';
import type { Output } from './output.js';
import { waitForJobs } from './wait.js';

function globToRegExp(pattern: string): RegExp {
  const esc = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]');
  return new RegExp(`^${esc}$`);
}

/**
 * Expand command-line inputs: a quoted glob in the file name part (`dir/*.mp4`) matches files of that folder; a
 * folder stands for its media files (not recursive); anything else is passed on as it is (a path or library id).
 */
export async function expandInputs(args: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const a of args) {
    const base = path.basename(a);
    if (/[*?]/.test(base)) {
      const dir = path.dirname(a);
      const re = globToRegExp(base);
      const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => re.test(n) && !n.startsWith('.')).sort();
      out.push(...names.map((n) => path.join(dir, n)));
      continue;
    }
    const st = await stat(a).catch(() => null);
    if (st?.isDirectory()) {
      const names = (await readdir(a)).filter((n) => MEDIA_EXTENSIONS.has(path.extname(n).toLowerCase()) && !n.startsWith('.')).sort();
      out.push(...names.map((n) => path.join(a, n)));
    } else out.push(a);
  }
  return out;
}

export interface ResolvedInput {
  input: string;
  videoId: number | null;
  error?: SerializedError;
}

/**
 * Library video ids for inputs: ids or library paths as they are, other files imported first (one batch).
 * An imported file is reported by the path as it was given (default) or as the import resolved it (absolute).
 */
export async function resolveLibraryVideos(
  core: Core,
  args: string[],
  out: Output,
  opts: { report?: 'given' | 'resolved' } = {},
): Promise<ResolvedInput[]> {
  const resolved: ResolvedInput[] = [];
  const toImport: string[] = [];
  for (const a of args) {
    try {
      resolved.push({ input: a, videoId: (await core.call('videos.resolve', { video: a })).videoId });
    } catch (err) {
      if (existsSync(a)) toImport.push(a);
      else resolved.push({ input: a, videoId: null, error: serializeError(err) });
    }
  }
  if (toImport.length) {
    out.info(`importing ${toImport.length} file(s)…`);
    const res = await core.call('videos.import', { paths: toImport });
    for (const e of res.errors) resolved.push({ input: e.path, videoId: null, error: { code: 'file_unreadable', message: e.message } });
    const jobs = await waitForJobs(
      core,
      out,
      res.jobs.map((j) => j.jobId),
      (j) => `import ${path.basename((j.input as { path: string }).path)}`,
    );
    for (const j of jobs) {
      const o = importOutput.safeParse(j.output);
      const imported = (j.input as { path: string }).path;
      const input = opts.report === 'resolved' ? imported : (toImport.find((p) => path.resolve(p) === imported) ?? imported);
      if (j.state === 'succeeded' && o.success) resolved.push({ input, videoId: o.data.videoId });
      else resolved.push({ input, videoId: null, error: j.error ?? { code: 'internal', message: `import ${j.state}` } });
    }
  }
  return resolved;
}

export interface BatchItem {
  input: string;
  status: 'done' | 'failed' | 'cancelled';
  output?: string;
  error?: SerializedError;
  [key: string]: unknown;
}

export function itemFromJob(input: string, job: JobSummary | undefined, extra: Record<string, unknown> = {}): BatchItem {
  if (job?.state === 'succeeded') return { input, status: 'done', ...extra };
  if (job?.state === 'cancelled') return { input, status: 'cancelled', error: { code: 'cancelled', message: 'Cancelled' } };
  return { input, status: 'failed', error: job?.error ?? { code: 'internal', message: `job ${job?.state ?? 'missing'}` } };
}

/** One summary for a batch: counts and each failure with its reason. */
export function batchSummary(items: BatchItem[]): {
  done: number;
  failed: number;
  cancelled: number;
  failures: Array<{ input: string; reason: string }>;
} {
  return {
    done: items.filter((i) => i.status === 'done').length,
    failed: items.filter((i) => i.status === 'failed').length,
    cancelled: items.filter((i) => i.status === 'cancelled').length,
    failures: items.filter((i) => i.status !== 'done').map((i) => ({ input: i.input, reason: i.error?.message ?? i.status })),
  };
}

export function summaryText(items: BatchItem[]): string {
  const s = batchSummary(items);
  const lines = [`${s.done} done, ${s.failed} failed${s.cancelled ? `, ${s.cancelled} cancelled` : ''}`];
  for (const f of s.failures) lines.push(`  ✗ ${f.input}: ${f.reason}`);
  return lines.join('\n');
}
