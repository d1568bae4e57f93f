/**
 * Text subtitles of joined pieces: where clips of a video, or whole files, are joined into one file, each
 * text subtitle track is read out of its sources (SRT, or ASS kept as ASS where the output is Matroska), every
 * piece's cues are cut to the piece and shifted to where the piece lands in the output, and the result is muxed
 * as one track. A cue never shows outside its piece, and a cue cut at a piece's start starts with the piece.
 * The stream-copy concat cannot do this: it keeps a cue that starts before a piece's end whole, and drops a cue
 * that starts before a piece's start.
 *
 * Works on ffmpeg's own SRT and ASS output (times on the timing lines; ASS events as `Dialogue: Layer,Start,End,…`).
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Ffmpeg } from './index.js';
import type { StreamInfo } from './probe.js';
import { AssStyleTable, restyled } from './ass-styles.js';
import { isTextSubtitleCodec } from './subtitle-codecs.js';

const ASS_CODECS = new Set(['ass', 'ssa']);

export type TrackFormat = 'srt' | 'ass';

/** One piece of a source track: its cues in [start, end) (seconds of the extracted track) placed at `at` in the output. */
export interface TrackPiece {
  /** The source track as ffmpeg extracted it (SRT or ASS text); null when the source has no such track. */
  text: string | null;
  start: number;
  end: number;
  at: number;
}

interface Cue {
  startMs: number;
  endMs: number;
  /** SRT: the text lines; ASS: the event's fields after End (Style,Name,…,Text). */
  body: string;
  /** ASS: the layer. */
  layer?: string;
}

const SRT_TIMING = /^\s*(\d+):(\d{2}):(\d{2})[,.](\d{1,3})\s*-->\s*(\d+):(\d{2}):(\d{2})[,.](\d{1,3})/;
const ASS_EVENT = /^Dialogue:\s*(\d+),(\d+):(\d{2}):(\d{2})\.(\d{2}),(\d+):(\d{2}):(\d{2})\.(\d{2}),(.*)$/;

const ms = (h: string, m: string, s: string, frac: string) =>
  ((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1000 + Number(frac.padEnd(3, '0'));

function parseSrtCues(text: string): Cue[] {
  const cues: Cue[] = [];
  for (const block of text.replace(/\r\n?/g, '\n').split(/\n\s*\n/)) {
    const lines = block.split('\n').filter((l, i) => i > 0 || l.trim());
    const k = lines.findIndex((l) => SRT_TIMING.test(l));
    if (k < 0) continue;
    const t = SRT_TIMING.exec(lines[k]!)!;
    cues.push({ startMs: ms(t[1]!, t[2]!, t[3]!, t[4]!), endMs: ms(t[5]!, t[6]!, t[7]!, t[8]!), body: lines.slice(k + 1).join('\n') });
  }
  return cues;
}

function parseAss(text: string): { header: string; cues: Cue[] } {
  const header: string[] = [];
  const cues: Cue[] = [];
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    const e = ASS_EVENT.exec(line);
    if (e)
      cues.push({ layer: e[1]!, startMs: ms(e[2]!, e[3]!, e[4]!, e[5]! + '0'), endMs: ms(e[6]!, e[7]!, e[8]!, e[9]! + '0'), body: e[10]! });
    else if (!line.startsWith('Dialogue:') && !cues.length) header.push(line);
  }
  while (header.length && !header.at(-1)!.trim()) header.pop();
  return { header: header.join('\n'), cues };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
function srtTime(t: number): string {
  return `${pad(Math.floor(t / 3_600_000))}:${pad(Math.floor(t / 60_000) % 60)}:${pad(Math.floor(t / 1000) % 60)},${pad(t % 1000, 3)}`;
}
/** ASS times are centiseconds. */
function assTime(cs: number): string {
  return `${Math.floor(cs / 360_000)}:${pad(Math.floor(cs / 6000) % 60)}:${pad(Math.floor(cs / 100) % 60)}.${pad(cs % 100)}`;
}

/** The pieces' cues cut to their pieces and shifted to their places, as one track; null when no cue is left. */
export function layOutTrack(format: TrackFormat, pieces: TrackPiece[]): string | null {
  const out: Cue[] = [];
  // ASS: the first source's header, with the other sources' styles added (renamed where a name is taken).
  let styles: AssStyleTable | null = null;
  for (const p of pieces) {
    if (p.text === null) continue;
    const parsed = format === 'ass' ? parseAss(p.text) : { header: null, cues: parseSrtCues(p.text) };
    styles ??= parsed.header === null ? null : new AssStyleTable(parsed.header);
    const renames = styles && parsed.header !== null ? styles.add(parsed.header) : new Map<string, string>();
    const from = Math.round(p.start * 1000);
    const to = Math.round(p.end * 1000);
    const shift = Math.round(p.at * 1000) - from;
    for (const c of parsed.cues) {
      const s = Math.max(c.startMs, from);
      const e = Math.min(c.endMs, to);
      if (e > s) out.push({ ...c, body: restyled(c.body, renames), startMs: s + shift, endMs: e + shift });
    }
  }
  if (format === 'ass') {
    // Rounded inwards to centiseconds, so a cut cue stays inside its piece.
    const events = out
      .map((c) => ({ ...c, s: Math.ceil(c.startMs / 10), e: Math.floor(c.endMs / 10) }))
      .filter((c) => c.e > c.s)
      .map((c) => `Dialogue: ${c.layer},${assTime(c.s)},${assTime(c.e)},${c.body}`);
    return events.length ? `${styles?.header() ?? ''}\n${events.join('\n')}\n` : null;
  }
  return out.length ? out.map((c, n) => `${n + 1}\n${srtTime(c.startMs)} --> ${srtTime(c.endMs)}\n${c.body}`).join('\n\n') + '\n' : null;
}

/** The text subtitle streams of a file (bitmap subtitles cannot be cut and shifted as text: they are left out). */
export const textSubtitleStreams = <S extends Pick<StreamInfo, 'type' | 'codec'>>(streams: readonly S[]): S[] =>
  streams.filter((s) => s.type === 'subtitle' && isTextSubtitleCodec(s.codec));

/** The subtitle streams that are not text (bitmaps: PGS, DVD, DVB…): they cannot be cut and shifted as text cues. */
export const bitmapSubtitleStreams = <S extends Pick<StreamInfo, 'type' | 'codec'>>(streams: readonly S[]): S[] =>
  streams.filter((s) => s.type === 'subtitle' && !isTextSubtitleCodec(s.codec));

type NamedStream = Pick<StreamInfo, 'index' | 'type' | 'codec' | 'language'> & { tags?: Record<string, string> };

/** A subtitle track as the user knows it: its number among the file's subtitle tracks, codec, language and title. */
export function subtitleTrackName(streams: readonly NamedStream[], s: NamedStream): string {
  const n = streams.filter((x) => x.type === 'subtitle').findIndex((x) => x.index === s.index) + 1;
  const title = s.tags?.title ?? s.tags?.TITLE;
  const what = [s.codec ?? 'unknown codec', s.language && s.language !== 'und' ? s.language : null, title ? `"${title}"` : null];
  return `subtitle track ${n} (${what.filter(Boolean).join(', ')})`;
}

/**
 * What an output that goes without a file's bitmap subtitle tracks says about it (null when the file has none):
 * `bitmap subtitle track 2 (hdmv_pgs_subtitle, eng) left out: <why>`.
 */
export function leftOutBitmapNote(streams: readonly NamedStream[], why: string, file?: string): string | null {
  const left = bitmapSubtitleStreams(streams);
  if (!left.length) return null;
  const names = left.map((s) => subtitleTrackName(streams, s));
  const of = file ? ` of ${file}` : '';
  return `bitmap ${names.join(' and ')}${of} left out: ${why}`;
}

/** `-map` arguments copying input `input`'s bitmap subtitle streams as they are (after any laid-out text tracks). */
export const bitmapSubtitleMaps = (streams: ReadonlyArray<Pick<StreamInfo, 'index' | 'type' | 'codec'>>, input: number): string[] =>
  bitmapSubtitleStreams(streams).flatMap((s) => ['-map', `${input}:${s.index}`]);

/** The subtitle codec a text track takes in a container (by the output's extension), or null where it has none. */
export function textSubtitleCodec(outputExt: string, format: TrackFormat): 'mov_text' | 'srt' | 'ass' | 'webvtt' | null {
  const ext = outputExt.toLowerCase();
  if (ext === '.mp4' || ext === '.m4v' || ext === '.mov') return 'mov_text';
  if (ext === '.mkv') return format;
  if (ext === '.webm') return 'webvtt';
  return null;
}

/** A laid-out track ready to be muxed: a file and the codec it takes in the output. */
export interface JoinedTrack {
  file: string;
  codec: string;
  language: string | null;
  /** Seconds the track is delayed by when muxed (`writeWithSubtitles`). */
  delay?: number;
  /** Where its first cue starts in the output, seconds from the first picture. */
  first: number;
}

export interface JoinSource {
  file: string;
  /** The source's streams (its text subtitle streams are read). */
  streams: ReadonlyArray<Pick<StreamInfo, 'index' | 'type' | 'codec' | 'language'>>;
}

/**
 * The subtitle tracks of a join: track k of the output is track k of each source (sources without one add
 * nothing to it). `pieces` say which part of which source lands where (seconds of the source's timeline, as
 * ffmpeg reads it: from the file's start). Tracks with no cue in any piece are left out. The ffmpeg command
 * lines that read the sources are appended to `commands`.
 */
export async function joinedSubtitleTracks(
  ffmpeg: Ffmpeg,
  sources: JoinSource[],
  pieces: Array<{ source: number; start: number; end: number; at: number }>,
  outputExt: string,
  work: string,
  signal: AbortSignal,
  commands: string[][],
): Promise<JoinedTrack[]> {
  const perSource = sources.map((s) => textSubtitleStreams(s.streams));
  const trackCount = Math.max(0, ...perSource.map((t) => t.length));
  if (!trackCount) return [];
  // ASS stays ASS in Matroska when every source's track is ASS; everything else goes through SRT.
  const formats: TrackFormat[] = Array.from({ length: trackCount }, (_, k) =>
    outputExt.toLowerCase() === '.mkv' && perSource.every((t) => !t[k] || ASS_CODECS.has(t[k].codec ?? '')) ? 'ass' : 'srt',
  );
  if (textSubtitleCodec(outputExt, 'srt') === null) return [];
  const texts: Array<Array<string | null>> = [];
  for (const [i, s] of sources.entries()) {
    const tracks = perSource[i]!;
    if (!pieces.some((p) => p.source === i) || !tracks.length) {
      texts.push(tracks.map(() => null));
      continue;
    }
    const files = tracks.map((_, k) => path.join(work, `subs-source-${i}-${k}.${formats[k]}`));
    const args = ['-v', 'error', '-i', s.file];
    tracks.forEach((t, k) => args.push('-map', `0:${t.index}`, '-c:s', formats[k]!, '-f', formats[k]!, files[k]!));
    commands.push((await ffmpeg.run(args, { signal })).command);
    texts.push(await Promise.all(files.map((f) => readFile(f, 'utf8').catch(() => null))));
  }
  const out: JoinedTrack[] = [];
  for (let k = 0; k < trackCount; k++) {
    const laid = layOutTrack(
      formats[k]!,
      pieces.map((p) => ({ text: texts[p.source]![k] ?? null, start: p.start, end: p.end, at: p.at })),
    );
    if (laid === null) continue;
    const file = path.join(work, `subs-joined-${k}.${formats[k]}`);
    await writeFile(file, laid);
    const language = perSource.map((t) => t[k]?.language).find((l) => l && l !== 'und') ?? null;
    const cues = formats[k] === 'ass' ? parseAss(laid).cues : parseSrtCues(laid);
    out.push({ file, codec: textSubtitleCodec(outputExt, formats[k]!)!, language, first: cues[0]!.startMs / 1000 });
  }
  return out;
}

/** Input arguments for joined tracks (after the other inputs). */
export const joinedTrackInputs = (tracks: JoinedTrack[]): string[] =>
  tracks.flatMap((t) => [...(t.delay ? ['-itsoffset', t.delay.toFixed(6)] : []), '-i', t.file]);

/**
 * Write `output` with laid-out tracks, their cues at their times from the output's first picture. Muxers move the
 * picture (AAC priming: 21 ms; negative timestamps after a seek made zero; a concat join from an inpoint: 16 ms)
 * by amounts that depend on every input and on the command, and do not always move added text tracks with it
 * (ffmpeg 5.1, MP4: the picture at 21 ms, the cues not moved; Matroska after a seek: the cues 0.98 s late). So
 * the written file is checked, and where its first cue is off it is written once more with the tracks delayed
 * by the difference. With `dryRun` (joins and merges: whole files, where MP4 with AAC always needed the second
 * write) the move is measured first — the same command, the first track's first cue moved to `DRY_CUE`, the
 * output cut after `DRY_FRAMES` pictures, into the tracks' work folder — and the tracks are delayed by it, so
 * the file is written once. (A single clip's copy came out on time: there the dry run would be one more process.)
 * `write` runs a command (its last argument is the output).
 */
export async function writeWithSubtitles(
  ffmpeg: Ffmpeg,
  build: (tracks: JoinedTrack[], output: string) => string[],
  tracks: JoinedTrack[],
  output: string,
  write: (args: string[]) => Promise<void>,
  signal: AbortSignal,
  dryRun = false,
): Promise<void> {
  if (!tracks.length) return write(build(tracks, output));
  const delayed = (by: number) => (t: JoinedTrack) => ({ ...t, delay: (t.delay ?? 0) - by });
  const dry = dryRun ? await dryRunOffset(ffmpeg, build, tracks, path.extname(output), write, signal) : 0;
  const laid = dry ? tracks.map(delayed(dry)) : tracks;
  await write(build(laid, output));
  const off = await firstCueOffset(ffmpeg, output, tracks[0]!.first, signal);
  if (off === null || Math.abs(off) < 0.0015) return;
  await rm(output, { force: true });
  await write(build(laid.map(delayed(off)), output));
}

/** Where the dry run puts its one cue (seconds from the first picture), and how many pictures it writes. */
const DRY_CUE = 0.3;
const DRY_FRAMES = 60;

/** How late the first track's cues come out of `build`'s command (seconds; 0: on time or unknown). */
async function dryRunOffset(
  ffmpeg: Ffmpeg,
  build: (tracks: JoinedTrack[], output: string) => string[],
  tracks: JoinedTrack[],
  ext: string,
  write: (args: string[]) => Promise<void>,
  signal: AbortSignal,
): Promise<number> {
  const first = tracks[0]!;
  const work = path.dirname(first.file);
  const format: TrackFormat = path.extname(first.file) === '.ass' ? 'ass' : 'srt';
  const text = await readFile(first.file, 'utf8');
  const start = first.first;
  const cue = layOutTrack(format, [{ text, start, end: start + 0.1, at: DRY_CUE }]);
  if (cue === null) return 0;
  const cueFile = path.join(work, `dry-run-cue.${format}`);
  const out = path.join(work, `dry-run${ext}`);
  await writeFile(cueFile, cue);
  try {
    const args = build([{ ...first, file: cueFile, first: DRY_CUE }, ...tracks.slice(1)], out);
    await write([...args.slice(0, -1), '-frames:v', String(DRY_FRAMES), out]);
    return (await firstCueOffset(ffmpeg, out, DRY_CUE, signal)) ?? 0;
  } catch (err) {
    if (signal.aborted) throw err;
    return 0;
  } finally {
    await rm(out, { force: true });
    await rm(cueFile, { force: true });
  }
}

/** How late (seconds) the first subtitle stream's first cue is against `expected` from the first picture; null: unknown. */
async function firstCueOffset(ffmpeg: Ffmpeg, file: string, expected: number, signal: AbortSignal): Promise<number | null> {
  const { stdout } = await ffmpeg.ffprobe(['-v', 'error', '-show_entries', 'stream=index,codec_type,start_time', '-of', 'json', file], {
    signal,
  });
  const streams = (JSON.parse(stdout) as { streams?: Array<{ index: number; codec_type: string; start_time?: string }> }).streams ?? [];
  const video = Number(streams.find((x) => x.codec_type === 'video')?.start_time ?? 0);
  const sub = streams.find((x) => x.codec_type === 'subtitle');
  if (!sub || !Number.isFinite(video)) return null;
  // Only around where the cue should be (a whole merge need not be read).
  const { stdout: packets } = await ffmpeg.ffprobe(
    [
      '-v',
      'error',
      '-select_streams',
      String(sub.index),
      '-read_intervals',
      `${Math.max(0, video + expected - 3).toFixed(3)}%+6`,
      '-show_entries',
      'packet=pts_time,size',
      '-of',
      'csv=p=0',
      file,
    ],
    { signal },
  );
  const first = packets
    .split('\n')
    .map((l) => l.split(','))
    .find(([t, size]) => t && Number.isFinite(Number(t)) && Number(size) > 2);
  return first ? Number(first[0]) - video - expected : null;
}

/** Map, codec and language arguments for joined tracks whose inputs start at input number `firstInput`. */
export function joinedTrackMaps(tracks: JoinedTrack[], firstInput: number): string[] {
  return tracks.flatMap((t, k) => [
    '-map',
    `${firstInput + k}:0`,
    `-c:s:${k}`,
    t.codec,
    ...(t.language ? [`-metadata:s:s:${k}`, `language=${t.language}`] : []),
  ]);
}
