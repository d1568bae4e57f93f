import type { CliCommand } from '../../cli/command.js';
import { EXIT_OK, UsageError } from '../../cli/command.js';

/** The anonymization export audit, newest first: who, when, state, output, hash and the render command line. */
export const exportsCommand: CliCommand = {
  name: 'exports',
  summary: 'Show the anonymization export audit (who, when, state, output, sha256, the ffmpeg command line)',
  usage: 'exports [video] [--limit N] [--json]',
  options: { limit: { type: 'string' } },
  async run({ args, options, out, openCore }) {
    if (args.length > 1) throw new UsageError('exports takes at most one video (an id or a path)');
    const limit = options.limit === undefined ? undefined : Number(options.limit);
    if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1)) throw new UsageError('--limit must be a whole number ≥ 1');
    const core = await openCore();
    const records = await core.call('anonymize.exports', {
      ...(args[0] !== undefined ? { video: args[0] } : {}),
      ...(limit !== undefined ? { limit } : {}),
    });
    out.result({ exports: records }, () =>
      records.length
        ? records
            .map((r) =>
              [
                `export ${r.id}: video ${r.videoId}, ${r.state}, by ${r.who}, ${r.startedAt}${r.finishedAt ? ` – ${r.finishedAt}` : ''}`,
                `  output:  ${r.outputPath}${r.outputSha256 ? ` (sha256 ${r.outputSha256})` : ''}`,
                ...(r.error ? [`  error:   ${r.error.code}: ${r.error.message}`] : []),
                `  command: ${r.command ? r.command.map(shellQuote).join(' ') : '-'}`,
              ].join('\n'),
            )
            .join('\n')
        : 'no anonymization exports',
    );
    return EXIT_OK;
  },
};

/** An argument as a POSIX shell would need it (for reading and pasting; the audit keeps the array). */
function shellQuote(a: string): string {
  return /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`;
}
