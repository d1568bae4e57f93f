import type { ReactNode } from 'react';
import { formatBytes, formatDate, formatDuration, formatFps } from '../../lib/format.js';
import { strings } from '../../strings.js';
import type { VideoPanelProps } from './panel-types.js';

/** A readable container name: the file's extension (ffmpeg's demuxer list, e.g. "mov,mp4,m4a…", is in the tooltip). */
function containerLabel(file: string, demuxer: string): string {
  const ext = /\.([a-z0-9]{1,5})$/i.exec(file)?.[1];
  return ext ? ext.toUpperCase() : demuxer.split(',')[0]!;
}

export function MetadataPanel({ video }: VideoPanelProps) {
  const F = strings.video.fields;
  const rows: Array<[string, ReactNode, string?]> = [
    [F.file, video.path, 'meta-path'],
    ...(video.originalPath !== video.path ? ([[F.originalPath, video.originalPath]] as Array<[string, ReactNode]>) : []),
    [F.size, formatBytes(video.size), 'meta-size'],
    [F.duration, `${formatDuration(video.duration)} (${video.duration.toFixed(3)} s)`, 'meta-duration'],
    [F.resolution, `${video.width}×${video.height}`, 'meta-resolution'],
    ...(video.rotation
      ? ([
          [F.display, `${video.displayWidth}×${video.displayHeight}`],
          [F.rotation, `${video.rotation}°`],
        ] as Array<[string, ReactNode]>)
      : []),
    [F.fps, video.fps ? `${formatFps(video.fps)} (${video.fps.text})` : '–', 'meta-fps'],
    [
      F.frames,
      video.frameCount === null ? '–' : `${video.frameCount.toLocaleString()}${video.frameCountExact ? '' : ` (${F.framesEstimated})`}`,
      'meta-frames',
    ],
    [F.codec, video.videoCodec ?? '–'],
    [F.pixelFormat, video.pixelFormat ?? '–'],
    [
      F.container,
      <span key="c" title={video.container}>
        {containerLabel(video.path, video.container)}
      </span>,
    ],
    [F.audio, String(video.audioStreams)],
    [F.subtitles, String(video.subtitleStreams)],
    [F.vfr, video.variableFrameRate ? F.yes : F.no],
    [F.copied, video.copied ? F.yes : F.no],
    [F.imported, formatDate(video.importedAt)],
    [F.sha256, <code key="sha">{video.sha256.slice(0, 16)}…</code>],
  ];
  return (
    <dl className="meta" data-testid="video-metadata">
      {rows.map(([k, v, id]) => (
        <div className="meta-row" key={k}>
          <dt>{k}</dt>
          <dd data-testid={id} title={typeof v === 'string' ? v : undefined}>
            {v}
          </dd>
        </div>
      ))}
    </dl>
  );
}
