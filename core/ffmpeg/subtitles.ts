/**
 * Named ffmpeg operations for subtitles: extract an embedded text stream, mux soft subtitle tracks without
 * re-encoding, burn subtitles in with libass (one pass) and render one preview frame.
 */
import type { Ffmpeg, FfmpegProgress } from './index.js';
import { maskFilters, type PreviewMaskBoxes } from './sprites.js';
import { onFileTime } from './file-time.js';

/**
 * Escape a value for a filter option inside a filter graph: first the option level (`\ ' :`), then the graph
 * level (`\ ' [ ] , ;`), so any path is passed through literally.
 */
export function filterValue(v: string): string {
  const option = v.replace(/[\\':]/g, (c) => `\\${c}`);
  return option.replace(/[\\'[\],;]/g, (c) => `\\${c}`);
}

function subtitlesFilter(assPath: string, fontsDir: string | null): string {
  return `subtitles=filename=${filterValue(assPath)}${fontsDir ? `:fontsdir=${filterValue(fontsDir)}` : ''}`;
}

/** Read one embedded text subtitle stream (`streamIndex` is the file's absolute stream index) as SRT or ASS. */
export async function extractSubtitleStream(
  ff: Ffmpeg,
  input: string,
  streamIndex: number,
  as: 'srt' | 'ass',
  opts: { signal?: AbortSignal } = {},
): Promise<Buffer> {
  const p = ff.start(['-v', 'error', '-i', input, '-map', `0:${streamIndex}`, '-c:s', as, '-f', as, 'pipe:1'], {
    pipeStdout: true,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  const chunks: Buffer[] = [];
  p.stdout!.on('data', (c: Buffer) => chunks.push(c));
  await p.done;
  return Buffer.concat(chunks);
}

/**
 * Start time of the first video stream, ms (containers often start the video a little after 0, e.g. after
 * audio priming). Cue times in Framewise count from the video's first frame, so embedded cues subtract it.
 */
export async function videoStartMs(ff: Ffmpeg, input: string, opts: { signal?: AbortSignal } = {}): Promise<number> {
  const { stdout } = await ff.ffprobe(
    ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=start_time', '-of', 'csv=p=0', input],
    opts,
  );
  const t = Number(stdout.trim().split('\n')[0]);
  return Number.isFinite(t) ? Math.round(t * 1000) : 0;
}

export interface MuxTrack {
  file: string;
  /** ISO 639-2 (three letters) or null. */
  language: string | null;
  title: string | null;
  /** Codec of the file (`srt`/`ass`); MP4 always gets mov_text. */
  codec: 'srt' | 'ass';
}

/**
 * Copy the video's video and audio streams and add subtitle tracks (MKV: as they are; MP4: mov_text). Cue times
 * count from the first picture: `videoStart` (the probe's) delays the tracks onto the file's timeline.
 */
export function muxSubtitlesArgs(input: string, tracks: MuxTrack[], output: string, container: 'mkv' | 'mp4', videoStart = 0): string[] {
  const args = ['-v', 'error', '-i', input];
  for (const t of tracks) args.push(...(videoStart > 0 ? ['-itsoffset', videoStart.toFixed(6)] : []), '-i', t.file);
  args.push('-map', '0:v', '-map', '0:a?');
  tracks.forEach((_t, i) => args.push('-map', `${i + 1}:0`));
  args.push('-c:v', 'copy', '-c:a', 'copy', '-map_metadata', '-1', '-map_chapters', '-1');
  tracks.forEach((t, i) => {
    args.push(`-c:s:${i}`, container === 'mp4' ? 'mov_text' : t.codec);
    if (t.language) args.push(`-metadata:s:s:${i}`, `language=${t.language}`);
    if (t.title) args.push(`-metadata:s:s:${i}`, `title=${t.title}`);
    if (i === 0) args.push(`-disposition:s:${i}`, 'default');
  });
  args.push('-f', container === 'mp4' ? 'mp4' : 'matroska', output);
  return args;
}

export async function muxSubtitles(
  ff: Ffmpeg,
  a: {
    input: string;
    tracks: MuxTrack[];
    output: string;
    container: 'mkv' | 'mp4';
    /** Where the first picture starts in the file (s; the probe's `videoStart`). */
    videoStart?: number;
    signal?: AbortSignal;
    onProgress?: (p: FfmpegProgress) => void;
  },
): Promise<void> {
  await ff.run(muxSubtitlesArgs(a.input, a.tracks, a.output, a.container, a.videoStart), {
    ...(a.signal ? { signal: a.signal } : {}),
    ...(a.onProgress ? { onProgress: a.onProgress } : {}),
  });
}

/** Burn an ASS file into the picture in one pass (H.264, audio copied). */
export async function burnSubtitles(
  ff: Ffmpeg,
  a: {
    input: string;
    assFile: string;
    fontsDir: string | null;
    /** Where the first picture starts in the file (s; the probe's `videoStart`): cue times count from it. */
    videoStart?: number;
    output: string;
    signal?: AbortSignal;
    onProgress?: (p: FfmpegProgress) => void;
  },
): Promise<void> {
  // libass reads the frame's time, which runs on the file's timeline: on the cue clock (from the first picture)
  // while the cues are drawn, back after (the picture stays where it was against the audio).
  const shift = a.videoStart ?? 0;
  const burn = subtitlesFilter(a.assFile, a.fontsDir);
  await ff.run(
    [
      '-v',
      'error',
      '-i',
      a.input,
      '-map',
      '0:v:0',
      '-map',
      '0:a?',
      '-vf',
      shift > 0 ? `setpts=PTS-${shift.toFixed(6)}/TB,${burn},setpts=PTS+${shift.toFixed(6)}/TB` : burn,
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-crf',
      '18',
      '-pix_fmt',
      'yuv420p',
      '-c:a',
      'copy',
      '-map_metadata',
      '-1',
      '-sn',
      '-movflags',
      '+faststart',
      '-f',
      'mp4',
      a.output,
    ],
    { ...(a.signal ? { signal: a.signal } : {}), ...(a.onProgress ? { onProgress: a.onProgress } : {}) },
  );
}

/** One PNG frame at `timeMs` with the subtitles drawn (timestamps kept, so the right cue shows). */
export async function renderSubtitlePreview(
  ff: Ffmpeg,
  a: {
    input: string;
    assFile: string;
    fontsDir: string | null;
    /** From the first picture (cue time). */
    timeMs: number;
    /** Where the first picture starts in the file (s; the probe's `videoStart`). */
    videoStart?: number;
    output: string;
    signal?: AbortSignal;
    /** What to black out under the subtitles, in display pixels (width × height of the picture). */
    mask?: PreviewMaskBoxes & { width: number; height: number };
  },
): Promise<void> {
  const t = (a.timeMs / 1000).toFixed(3);
  // The cue clock (`setpts`) counts from the first picture; the seek from the file's start.
  const seek = onFileTime(a.videoStart ?? 0)(a.timeMs / 1000).toFixed(3);
  const hide = a.mask ? [`scale=${a.mask.width}:${a.mask.height}`, ...maskFilters(a.mask, a.mask.width, a.mask.height)] : [];
  await ff.run(
    [
      '-v',
      'error',
      '-ss',
      seek,
      '-i',
      a.input,
      '-map',
      '0:v:0',
      '-vf',
      [`setpts=PTS+${t}/TB`, ...hide, subtitlesFilter(a.assFile, a.fontsDir)].join(','),
      '-frames:v',
      '1',
      '-f',
      'image2',
      '-c:v',
      'png',
      a.output,
    ],
    a.signal ? { signal: a.signal } : {},
  );
}
