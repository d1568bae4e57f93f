import { joinedTrackInputs, joinedTrackMaps, type JoinedTrack } from './subtitle-timeline.js';

/**
 * The concat demuxer, shared by joining whole files (convert's merge) and parts of one file (clip export, smart
 * cut): its list file and a lossless stream-copy join.
 */

/** One list entry: a file, optionally only from `inpoint` to `outpoint` (seconds of that file). */
export interface ConcatEntry {
  file: string;
  inpoint?: number;
  outpoint?: number;
}

const quoted = (file: string) => `'${file.replace(/'/g, "'\\''")}'`;

/** The concat demuxer's list file (paths quoted for its syntax). */
export function concatList(entries: ReadonlyArray<string | ConcatEntry>): string {
  return (
    entries
      .map((e) => (typeof e === 'string' ? { file: e } : e))
      .map((e) =>
        [
          `file ${quoted(e.file)}`,
          ...(e.inpoint !== undefined ? [`inpoint ${e.inpoint.toFixed(6)}`] : []),
          ...(e.outpoint !== undefined ? [`outpoint ${e.outpoint.toFixed(6)}`] : []),
        ].join('\n'),
      )
      .join('\n') + '\n'
  );
}

/** A list file as an input (any path allowed: the lists are written by Framewise). */
export const concatInput = (listFile: string): string[] => ['-f', 'concat', '-safe', '0', '-i', listFile];

/**
 * Lossless join of the list's first video and its audio streams (stream copy), with the join's text subtitle
 * tracks (`joinedSubtitleTracks`: cut and shifted per piece). `metadata: 'drop'` writes none of the inputs'
 * metadata (clips of a possibly clinical video); `faststart` moves the index to the front.
 */
export function concatCopyArgs(
  listFile: string,
  output: string,
  opts: { metadata: 'keep' | 'drop'; faststart?: boolean; subtitles?: JoinedTrack[] },
): string[] {
  const subs = opts.subtitles ?? [];
  return [
    '-v',
    'error',
    ...concatInput(listFile),
    ...joinedTrackInputs(subs),
    '-map',
    '0:v:0',
    '-map',
    '0:a?',
    '-c',
    'copy',
    ...joinedTrackMaps(subs, 1),
    ...(opts.metadata === 'drop' ? ['-map_metadata', '-1'] : []),
    ...(opts.faststart ? ['-movflags', '+faststart'] : []),
    output,
  ];
}
