import type { CliCommand } from '../../cli/command.js';
import { EXIT_OK } from '../../cli/command.js';
import { formatBytes, formatDuration } from '../../cli/output.js';
import { UsageError } from '../../cli/command.js';

export const infoCommand: CliCommand = {
  name: 'info',
  readsOnly: true,
  summary: 'Show one video: metadata, streams, artifacts',
  usage: 'info <video>   (an id or a path)',
  async run({ args, out, openCore }) {
    if (args.length !== 1) throw new UsageError('info takes one video (an id or a path)');
    const core = await openCore();
    const v = await core.call('videos.get', { video: args[0]! });
    out.result(v, () => {
      const streams =
        (v.metadata as { streams?: Array<{ index: number; type: string; codec: string | null; language: string | null }> }).streams ?? [];
      return [
        `${v.name} (video ${v.id})`,
        `  path:        ${v.path}${v.copied ? ' (copied into library)' : ''}`,
        `  container:   ${v.container}, ${formatBytes(v.size)}`,
        `  duration:    ${formatDuration(v.duration)} (${v.duration.toFixed(3)} s)`,
        `  video:       ${v.videoCodec} ${v.width}x${v.height}${v.rotation ? `, rotated ${v.rotation}° → ${v.displayWidth}x${v.displayHeight}` : ''}, ${v.pixelFormat}`,
        `  fps:         ${v.fps?.text ?? '-'} (avg ${v.avgFrameRate}, r ${v.rFrameRate})${v.variableFrameRate ? ', variable frame rate' : ''}`,
        `  frames:      ${v.frameCount ?? '?'}${v.frameCountExact ? ' (exact)' : ' (estimate)'}`,
        `  sha256:      ${v.sha256}`,
        `  state:       ${v.state}`,
        `  streams:     ${streams.map((s) => `#${s.index} ${s.type} ${s.codec ?? '?'}${s.language ? ` [${s.language}]` : ''}`).join(', ')}`,
        `  artifacts:   ${v.artifacts.map((a) => a.kind).join(', ') || '-'}`,
      ].join('\n');
    });
    return EXIT_OK;
  },
};
