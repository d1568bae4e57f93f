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
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Ffmpeg } from './index.js';
import type { StreamInfo } from './probe.js';

const TEXT_CODECS = new Set(['subrip', 'srt', 'ass', 'ssa', 'mov_text', 'webvtt', 'text']);
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
  let header: string | null = null;
  for (const p of pieces) {
    if (p.text === null) continue;
    const parsed = format === 'ass' ? parseAss(p.text) : { header: null, cues: parseSrtCues(p.text) };
    header ??= parsed.header;
    const from = Math.round(p.start * 1000);
    const to = Math.round(p.end * 1000);
    const shift = Math.round(p.at * 1000) - from;
    for (const c of parsed.cues) {
      const s = Math.max(c.startMs, from);
      const e = Math.min(c.endMs, to);
      if (e > s) out.push({ ...c, startMs: s + shift, endMs: e + shift });
    }
  }
  if (format === 'ass') {
    // Rounded inwards to centiseconds, so a cut cue stays inside its piece.
    const events = out
      .map((c) => ({ ...c, s: Math.ceil(c.startMs / 10), e: Math.floor(c.endMs / 10) }))
      .filter((c) => c.e > c.s)
      .map((c) => `Dialogue: ${c.layer},${assTime(c.s)},${assTime(c.e)},${c.body}`);
    return events.length ? `${header ?? ''}\n${events.join('\n')}\n` : null;
  }
  return out.length ? out.map((c, n) => `${n + 1}\n${srtTime(c.startMs)} --> ${srtTime(c.endMs)}\n${c.body}`).join('\n\n') + '\n' : null;
}

/** The text subtitle streams of a file (bitmap subtitles cannot be cut and shifted as text: they are left out). */
export const textSubtitleStreams = <S extends Pick<StreamInfo, 'type' | 'codec'>>(streams: readonly S[]): S[] =>
  streams.filter((s) => s.type === 'subtitle' && TEXT_CODECS.has(s.codec ?? ''));

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
  /** Seconds the track is delayed by when muxed (`subtitleDelay`). */
  delay?: number;
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
    out.push({ file, codec: textSubtitleCodec(outputExt, formats[k]!)!, language });
  }
  return out;
}

/** Input arguments for joined tracks (after the other inputs). */
export const joinedTrackInputs = (tracks: JoinedTrack[]): string[] =>
  tracks.flatMap((t) => [...(t.delay ? ['-itsoffset', t.delay.toFixed(6)] : []), '-i', t.file]);

/**
 * The delay that keeps laid-out cues at their times from the output's first picture. Muxers move the other
 * streams where audio starts before zero (AAC priming) and do not always move added text tracks with them
 * (MP4 with ffmpeg 5.1: the picture starts at 21 ms, the cues do not move), so this is measured, not assumed:
 * the same command writes a fraction of a second with one cue at 0.1 s, and the cue's offset from the first
 * picture is read back. `build` gives the command's arguments for some tracks and an output file.
 */
export async function subtitleDelay(
  ffmpeg: Ffmpeg,
  build: (tracks: JoinedTrack[], output: string) => string[],
  track: JoinedTrack,
  outputExt: string,
  work: string,
  signal: AbortSignal,
): Promise<number> {
  const cue = path.join(work, 'delay-probe.srt');
  await writeFile(cue, '1\n00:00:00,100 --> 00:00:00,200\nx\n');
  const out = path.join(work, `delay-probe${outputExt}`);
  const args = build([{ ...track, file: cue, delay: 0 }], out);
  await ffmpeg.run([...args.slice(0, -1), '-t', '0.3', out], { signal });
  const { stdout } = await ffmpeg.ffprobe(
    ['-v', 'error', '-show_entries', 'stream=index,codec_type,start_time:packet=stream_index,pts_time,size', '-of', 'json', out],
    { signal },
  );
  const j = JSON.parse(stdout) as {
    streams?: Array<{ index: number; codec_type: string; start_time?: string }>;
    packets?: Array<{ stream_index: number; pts_time?: string; size?: string }>;
  };
  const video = Number(j.streams?.find((x) => x.codec_type === 'video')?.start_time ?? 0);
  const sub = j.streams?.find((x) => x.codec_type === 'subtitle');
  const first = j.packets?.find((p) => p.stream_index === sub?.index && Number(p.size) > 2 && p.pts_time !== undefined);
  if (!first || !Number.isFinite(video)) return 0;
  const delay = video + 0.1 - Number(first.pts_time);
  return Math.abs(delay) < 0.0005 ? 0 : delay;
}

/** The tracks with the delay `subtitleDelay` measures for them (one measurement: they are muxed alike). */
export async function delayedTracks(
  ffmpeg: Ffmpeg,
  build: (tracks: JoinedTrack[], output: string) => string[],
  tracks: JoinedTrack[],
  outputExt: string,
  work: string,
  signal: AbortSignal,
): Promise<JoinedTrack[]> {
  if (!tracks.length) return tracks;
  const delay = await subtitleDelay(ffmpeg, build, tracks[0]!, outputExt, work, signal);
  return tracks.map((t) => ({ ...t, delay }));
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
