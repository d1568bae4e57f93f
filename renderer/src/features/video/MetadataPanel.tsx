import type { ReactNode } from 'react';
import { formatBytes, formatDate, formatDuration, formatFps } from '../../lib/format.js';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../../i18n/format.js';
import type { VideoPanelProps } from './panel-types.js';

/** A readable container name: the file's extension (ffmpeg's demuxer list, e.g. "mov,mp4,m4a…", is in the tooltip). */
function containerLabel(file: string, demuxer: string): string {
  const ext = /\.([a-z0-9]{1,5})$/i.exec(file)?.[1];
  return ext ? ext.toUpperCase() : demuxer.split(',')[0]!;
}

export function MetadataPanel({ video }: VideoPanelProps) {
  const { t } = useTranslation('video');
  const rows: Array<[string, ReactNode, string?]> = [
    [t('fields.file'), video.path, 'meta-path'],
    ...(video.originalPath !== video.path ? ([[t('fields.originalPath'), video.originalPath]] as Array<[string, ReactNode]>) : []),
    [t('fields.size'), formatBytes(video.size), 'meta-size'],
    [
      t('fields.duration'),
      `${formatDuration(video.duration)} (${formatNumber(video.duration, { minimumFractionDigits: 3, maximumFractionDigits: 3 })} s)`,
      'meta-duration',
    ],
    [t('fields.resolution'), `${video.width}×${video.height}`, 'meta-resolution'],
    ...(video.rotation
      ? ([
          [t('fields.display'), `${video.displayWidth}×${video.displayHeight}`],
          [t('fields.rotation'), `${video.rotation}°`],
        ] as Array<[string, ReactNode]>)
      : []),
    [t('fields.fps'), video.fps ? `${formatFps(video.fps)} (${video.fps.text})` : '–', 'meta-fps'],
    [
      t('fields.frames'),
      video.frameCount === null
        ? '–'
        : `${formatNumber(video.frameCount)}${video.frameCountExact ? '' : ` (${t('fields.framesEstimated')})`}`,
      'meta-frames',
    ],
    [t('fields.codec'), video.videoCodec ?? '–'],
    [t('fields.pixelFormat'), video.pixelFormat ?? '–'],
    [
      t('fields.container'),
      <span key="c" title={video.container}>
        {containerLabel(video.path, video.container)}
      </span>,
    ],
    [t('fields.audio'), String(video.audioStreams)],
    [t('fields.subtitles'), String(video.subtitleStreams)],
    [t('fields.vfr'), video.variableFrameRate ? t('fields.yes') : t('fields.no')],
    [t('fields.copied'), video.copied ? t('fields.yes') : t('fields.no')],
    [t('fields.imported'), formatDate(video.importedAt)],
    [t('fields.sha256'), <code key="sha">{video.sha256.slice(0, 16)}…</code>],
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
