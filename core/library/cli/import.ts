import path from 'node:path';
import type { CliCommand } from '../../cli/command.js';
import { EXIT_FAILURE, EXIT_OK, UsageError } from '../../cli/command.js';
import { waitForJobs } from '../../cli/wait.js';
import type { SerializedError } from '../../util/errors.js';
import { importOutput } from '../../library/import-job.js';

export interface ImportFileResult {
  path: string;
  status: 'imported' | 'duplicate' | 'relinked' | 'failed' | 'cancelled';
  videoId?: number;
  jobId: number;
  error?: SerializedError;
}

export const importCommand: CliCommand = {
  name: 'import',
  summary: 'Import video files and folders (recursive) into the library',
  usage: 'import <paths…> [--copy]',
  help: '  --copy   copy files into the library folder (default: the copyIntoLibrary setting)\nExit code 1 when any file failed to import.',
  options: { copy: { type: 'boolean' } },
  async run({ args, options, out, openCore }) {
    if (!args.length) throw new UsageError('import needs at least one file or folder');
    const core = await openCore({ runJobs: true, ownJobsOnly: true });
    const res = await core.call('videos.import', {
      paths: args,
      ...(options.copy !== undefined ? { copy: Boolean(options.copy) } : {}),
    });
    if (!res.jobs.length && !res.errors.length) out.info('No video files found.');
    const jobs = await waitForJobs(
      core,
      out,
      res.jobs.map((j) => j.jobId),
      (j) => path.basename((j.input as { path: string }).path),
      (j) => {
        const o = importOutput.safeParse(j.output);
        if (j.state === 'succeeded' && o.success) return `${o.data.status} (video ${o.data.videoId})`;
        return j.error?.message ?? j.state;
      },
    );
    const results: ImportFileResult[] = jobs.map((j) => {
      const p = (j.input as { path: string }).path;
      const o = importOutput.safeParse(j.output);
      if (j.state === 'succeeded' && o.success) return { path: p, status: o.data.status, videoId: o.data.videoId, jobId: j.id };
      return { path: p, status: j.state === 'cancelled' ? 'cancelled' : 'failed', jobId: j.id, ...(j.error ? { error: j.error } : {}) };
    });
    const errors = res.errors;
    const failed = results.filter((r) => r.status === 'failed' || r.status === 'cancelled').length + errors.length;
    out.result({ results, errors, imported: results.filter((r) => r.status === 'imported').length, failed }, () => {
      const lines = results.map((r) =>
        r.status === 'failed' || r.status === 'cancelled'
          ? `✗ ${r.error?.message ?? `${r.path}: ${r.status}`}`
          : `✓ ${r.path}: ${r.status} (video ${r.videoId})`,
      );
      for (const e of errors) lines.push(`✗ ${e.message}`);
      lines.push(`${results.length - failed + errors.length} ok, ${failed} failed`);
      return lines.join('\n');
    });
    return failed ? EXIT_FAILURE : EXIT_OK;
  },
};
