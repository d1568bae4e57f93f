import type { CliCommand } from '../../cli/command.js';
import { EXIT_OK } from '../../cli/command.js';
import { formatBytes, formatDuration, table } from '../../cli/output.js';

export const listCommand: CliCommand = {
  name: 'list',
  readsOnly: true,
  summary: 'List the videos in the library, and files that failed to import',
  usage: 'list [--search text] [--state imported|reviewed|anonymized|missing] [--sort name|imported|duration|size]',
  options: { search: { type: 'string' }, state: { type: 'string' }, sort: { type: 'string' } },
  async run({ options, out, openCore }) {
    const core = await openCore();
    const res = await core.call('videos.list', {
      ...(options.search ? { search: String(options.search) } : {}),
      ...(options.state ? { state: options.state as 'imported' } : {}),
      ...(options.sort ? { sort: options.sort as 'name' } : {}),
    });
    out.result(res, () => {
      if (!res.videos.length && !res.failedImports.length)
        return 'The library is empty. Import videos with: framewise import <files or folders>';
      const rows = res.videos.map((v) => [
        String(v.id),
        v.name,
        formatDuration(v.duration),
        `${v.displayWidth}x${v.displayHeight}`,
        v.fps ? `${v.fps.value.toFixed(3)} (${v.fps.text})` : '-',
        `${v.frameCount ?? '?'}${v.frameCountExact ? '' : '~'}`,
        formatBytes(v.size),
        v.state,
        v.review.total ? `${v.review.validated}/${v.review.total}` : '-',
      ]);
      let text = table(['id', 'name', 'duration', 'size', 'fps', 'frames', 'file', 'state', 'reviewed'], rows);
      if (res.failedImports.length) {
        text += `\n\nFailed imports:\n${res.failedImports.map((f) => `✗ ${f.error.message}`).join('\n')}`;
      }
      return text;
    });
    return EXIT_OK;
  },
};
