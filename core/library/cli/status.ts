import type { CliCommand } from '../../cli/command.js';
import { EXIT_OK } from '../../cli/command.js';
import { describeRunBy, liveRunners } from '../../jobs/runners.js';

export const statusCommand: CliCommand = {
  name: 'status',
  summary: 'Show the library folder, database schema, ffmpeg/ffprobe in use (checked by running them) and why',
  usage: 'status',
  async run({ out, openCore }) {
    const core = await openCore();
    const info = await core.call('library.info', {});
    const list = await core.call('videos.list', { limit: 1 });
    const active = await core.call('jobs.list', { states: ['queued', 'running', 'interrupted'] });
    const byRunner = new Map<string, number>();
    for (const j of active) {
      const who =
        j.state === 'interrupted'
          ? 'interrupted (its process stopped)'
          : j.runBy
            ? `run by ${describeRunBy(j)}`
            : 'waiting for a process that runs jobs (the app, `framewise serve` or `framewise jobs --run`)';
      byRunner.set(who, (byRunner.get(who) ?? 0) + 1);
    }
    const runners = await liveRunners(core.services.db.reader);
    const data = {
      ...info,
      videos: list.total,
      activeJobs: active.filter((j) => j.state !== 'interrupted').length,
      interruptedJobs: active.filter((j) => j.state === 'interrupted').length,
      jobs: active.map((j) => ({ id: j.id, kind: j.kind, state: j.state, runBy: j.runBy ?? null })),
      runners,
    };
    const tool = (b: typeof info.ffmpeg) =>
      `${b.version}${b.buildYear ? ` (built ${b.buildYear})` : ''}, ${b.source}: ${b.path}\n          why: ${b.reason}`;
    out.result(data, () =>
      [
        `library:  ${info.dataDir}`,
        `database: ${info.databaseFile} (schema ${info.schemaVersion})`,
        `ffmpeg:   ${tool(info.ffmpeg)}`,
        `ffprobe:  ${tool(info.ffprobe)}`,
        ...info.ffmpegWarnings.map((w) => `warning:  ${w}`),
        `videos:   ${list.total}, jobs queued or running: ${data.activeJobs}${data.interruptedJobs ? `, interrupted: ${data.interruptedJobs}` : ''}`,
        ...[...byRunner].map(([who, n]) => `  ${n} ${who}`),
        `job runners: ${runners.length ? runners.map((r) => `${r.label} (pid ${r.pid})`).join(', ') : 'none running'}`,
      ].join('\n'),
    );
    return EXIT_OK;
  },
};
