import type { CliCommand } from '../../cli/command.js';
import { EXIT_OK } from '../../cli/command.js';

export const statusCommand: CliCommand = {
  name: 'status',
  summary: 'Show the library folder, database schema, ffmpeg/ffprobe in use (checked by running them) and why',
  usage: 'status',
  async run({ out, openCore }) {
    const core = await openCore();
    const info = await core.call('library.info', {});
    const list = await core.call('videos.list', { limit: 1 });
    const active = await core.call('jobs.list', { states: ['queued', 'running'] });
    const data = { ...info, videos: list.total, activeJobs: active.length };
    const tool = (b: typeof info.ffmpeg) =>
      `${b.version}${b.buildYear ? ` (built ${b.buildYear})` : ''}, ${b.source}: ${b.path}\n          why: ${b.reason}`;
    out.result(data, () =>
      [
        `library:  ${info.dataDir}`,
        `database: ${info.databaseFile} (schema ${info.schemaVersion})`,
        `ffmpeg:   ${tool(info.ffmpeg)}`,
        `ffprobe:  ${tool(info.ffprobe)}`,
        ...info.ffmpegWarnings.map((w) => `warning:  ${w}`),
        `videos:   ${list.total}, jobs queued or running: ${active.length}`,
      ].join('\n'),
    );
    return EXIT_OK;
  },
};
