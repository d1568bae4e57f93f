/**
 * Named ffmpeg operations for clips: a frame as an image, the keyframe times of a file,
 * and cutting a clip out (stream copy, or re-encoded with exact first and last frames).
 */
import type { Ffmpeg } from './index.js';
import { concatInput } from './concat.js';
import { firstVideoOnly } from './args.js';
import { countFrames } from './ops.js';
import { maskFilters, type PreviewMaskBoxes } from './sprites.js';
import { joinedTrackInputs, joinedTrackMaps, type JoinedTrack } from './subtitle-timeline.js';

const SEEK_EPSILON = 0.25;

/** Input seek to just before frame `frame` (accurate seek keeps the first frame whose timestamp is ≥ the point). */
export function seekBefore(frame: number, fps: { num: number; den: number }): number {
  return Math.max(0, ((frame - SEEK_EPSILON) * fps.den) / fps.num);
}

/** Quiet ffmpeg reading `input` from `start` seconds on (input seek; none at 0). */
const from = (input: string, start: number): string[] => ['-v', 'error', ...(start > 0 ? ['-ss', start.toFixed(6)] : []), '-i', input];
const span = (duration: number): string[] => ['-t', duration.toFixed(6)];
/** x264 at the given quality, fast (clips are exported interactively). */
const x264 = (crf: number, pixFmt: string): string[] => ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', String(crf), '-pix_fmt', pixFmt];
const noMetadata = ['-map_metadata', '-1'];

export async function writeFrameImage(
  ffmpeg: Ffmpeg,
  input: string,
  seconds: number,
  output: string,
  opts: {
    format: 'jpeg' | 'png';
    width: number;
    signal?: AbortSignal;
    /** What to black out, in display pixels (displayWidth × displayHeight, after rotation and square pixels). */
    mask?: PreviewMaskBoxes & { displayWidth: number; displayHeight: number };
  },
): Promise<void> {
  await ffmpeg.run(
    [
      ...from(input, seconds),
      '-map',
      '0:v:0',
      '-frames:v',
      '1',
      '-vf',
      // Square pixels first (anamorphic sources), then the requested width; rotation is already applied.
      // The mask is drawn at display size, before the last scale, so its boxes cover exactly what they should.
      [
        'scale=trunc(iw*sar/2)*2:ih,setsar=1',
        ...(opts.mask ? [`scale=${opts.mask.displayWidth}:${opts.mask.displayHeight}`] : []),
        ...maskFilters(opts.mask, opts.mask?.displayWidth ?? 0, opts.mask?.displayHeight ?? 0),
        `scale=${opts.width}:-2:flags=bicubic`,
      ].join(','),
      ...(opts.format === 'jpeg' ? ['-q:v', '3', '-c:v', 'mjpeg'] : ['-c:v', 'png']),
      '-f',
      'image2',
      output,
    ],
    opts.signal ? { signal: opts.signal } : {},
  );
}

/** Presentation times (seconds from the first video packet) of the video stream's keyframes; packets only. */
export async function keyframeTimes(ffmpeg: Ffmpeg, input: string, signal?: AbortSignal): Promise<number[]> {
  const { stdout } = await ffmpeg.ffprobe(
    ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', input],
    signal ? { signal } : {},
  );
  const all: Array<{ t: number; key: boolean }> = [];
  for (const line of stdout.split('\n')) {
    const [t, flags] = line.split(',');
    const time = Number(t);
    if (t && Number.isFinite(time)) all.push({ t: time, key: Boolean(flags?.includes('K')) });
  }
  const first = Math.min(...all.map((p) => p.t));
  return all
    .filter((p) => p.key)
    .map((p) => p.t - first)
    .sort((x, y) => x - y);
}

export interface CutRange {
  /** Seconds from the first frame. */
  start: number;
  duration: number;
}

/**
 * Lossless: stream copy from the keyframe at or before `start` (the caller seeks to it). Every stream kept; with
 * `subtitles` (laid-out text tracks, `joinedSubtitleTracks`), those instead of the source's text subtitle streams,
 * and `alsoMap` (the source's bitmap subtitle streams, `bitmapSubtitleMaps`) copied after them.
 */
export function copyCutArgs(input: string, r: CutRange, output: string, subtitles?: JoinedTrack[], alsoMap: string[] = []): string[] {
  return [
    ...from(input, r.start),
    // Inputs before -t, which is the output's.
    ...joinedTrackInputs(subtitles ?? []),
    ...span(r.duration),
    '-map',
    '0:v:0',
    '-map',
    '0:a?',
    ...(subtitles ? [] : ['-map', '0:s?']),
    '-c',
    'copy',
    ...joinedTrackMaps(subtitles ?? [], 1),
    ...(subtitles ? alsoMap : []),
    '-avoid_negative_ts',
    'make_zero',
    ...noMetadata,
    output,
  ];
}

/** Re-encoded: exactly `frames` frames from `start`; audio re-encoded to the same span; subtitles (SRT files of the clip, `joinedSubtitleTracks`) as text. */
export function accurateCutArgs(input: string, r: CutRange & { frames: number; subtitles?: string[] }, output: string): string[] {
  const subs = r.subtitles ?? [];
  return [
    ...from(input, r.start),
    ...subs.flatMap((f) => ['-i', f]),
    ...span(r.duration),
    '-map',
    '0:v:0',
    '-map',
    '0:a?',
    ...subs.flatMap((_, k) => ['-map', `${k + 1}:0`]),
    ...(subs.length ? ['-c:s', /\.(mp4|m4v|mov)$/i.test(output) ? 'mov_text' : 'srt'] : []),
    '-frames:v',
    String(r.frames),
    ...x264(18, 'yuv420p'),
    '-c:a',
    'aac',
    '-b:a',
    '192k',
    ...noMetadata,
    '-movflags',
    '+faststart',
    output,
  ];
}

/** Smart cut, part 1: re-encode `frames` frames from `start` as H.264 in MPEG-TS (parameter sets in-band). */
export function smartHeadArgs(input: string, r: { start: number; frames: number; pixFmt: string }, output: string): string[] {
  return [...from(input, r.start), ...firstVideoOnly(), '-frames:v', String(r.frames), ...x264(16, r.pixFmt), '-f', 'mpegts', output];
}

/** Smart cut, part 2: the video from the keyframe on, stream-copied into MPEG-TS. */
export function smartTailArgs(input: string, r: CutRange, output: string): string[] {
  return [...from(input, r.start), ...span(r.duration), ...firstVideoOnly(), '-c', 'copy', '-f', 'mpegts', output];
}

/**
 * Smart cut, part 3: the joined video parts plus the clip's audio (stream copy) into the final file; text
 * subtitles from the clip's SRT files (`joinedSubtitleTracks`, one piece) and `alsoMap` (the source's bitmap
 * subtitle streams, `bitmapSubtitleMaps` of input 1), else the source's subtitle streams as they are.
 */
export function smartJoinArgs(
  listFile: string,
  input: string,
  audio: CutRange,
  output: string,
  subtitles?: JoinedTrack[],
  alsoMap: string[] = [],
): string[] {
  const codec = /\.(mp4|m4v|mov)$/i.test(output) ? 'mov_text' : 'srt';
  const tracks = (subtitles ?? []).map((t) => ({ ...t, codec }));
  return [
    '-v',
    'error',
    ...concatInput(listFile),
    ...(audio.start > 0 ? ['-ss', audio.start.toFixed(6)] : []),
    ...span(audio.duration),
    '-i',
    input,
    ...joinedTrackInputs(tracks),
    '-map',
    '0:v:0',
    '-map',
    '1:a?',
    ...(subtitles ? [] : ['-map', '1:s?']),
    '-c',
    'copy',
    ...joinedTrackMaps(tracks, 2),
    ...(subtitles ? alsoMap : []),
    ...noMetadata,
    output,
  ];
}

/** Frames of the first video stream (THE frame count: `countFrames`) and whether it decodes without an error. */
export async function checkDecodes(ffmpeg: Ffmpeg, file: string, signal?: AbortSignal): Promise<{ packets: number; clean: boolean }> {
  const { frames } = await countFrames(ffmpeg, file, signal ? { signal } : {});
  const { stderr } = await ffmpeg.run(['-v', 'error', '-i', file, '-map', '0:v:0', '-f', 'null', '-'], signal ? { signal } : {});
  return { packets: frames, clean: stderr.trim() === '' };
}
