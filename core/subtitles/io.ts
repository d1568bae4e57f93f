import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { getVideoRow } from '../library/videos.js';
import { extractSubtitleStream, videoStartMs } from '../ffmpeg/subtitles.js';
import type { Services } from '../services.js';
import { FramewiseError, isNodeError } from '../util/errors.js';
import { writeAss } from './formats/ass.js';
import { writeSrt } from './formats/srt.js';
import { writeVtt } from './formats/vtt.js';
import { parseSubtitleFile } from './parse.js';
import { createTrack, getCues, getTrackRow } from './store.js';
import { subDb } from './tables.js';
import type { ExportFormat, ParseIssue, SubtitleFormat, SubtitleTrack, TrackKind } from './types.js';

const MAX_FILE_BYTES = 50 * 1024 * 1024;
const TEXT_CODECS = new Set(['subrip', 'srt', 'ass', 'ssa', 'mov_text', 'webvtt', 'text']);
const BITMAP_CODECS = new Set(['hdmv_pgs_subtitle', 'dvb_subtitle', 'dvd_subtitle', 'xsub', 'dvb_teletext']);

export interface ImportResult {
  track: SubtitleTrack;
  format: SubtitleFormat;
  encoding: string;
  /** What was repaired, line by line. */
  issues: ParseIssue[];
}

export interface EmbeddedStream {
  /** The file's stream index (use it with `--import-stream`). */
  index: number;
  codec: string | null;
  language: string | null;
  title: string | null;
  /** Text streams can be imported; bitmap ones (PGS, DVB, DVD) cannot. */
  importable: boolean;
  reason: string | null;
}

interface TrackMeta {
  language?: string | null | undefined;
  title?: string | null | undefined;
  kind?: TrackKind | undefined;
}

export async function importSubtitleFile(
  s: Services,
  videoId: number,
  file: string,
  meta: TrackMeta & { format?: SubtitleFormat | undefined },
): Promise<ImportResult> {
  let bytes: Buffer;
  try {
    const st = await stat(file);
    if (st.size > MAX_FILE_BYTES) throw new FramewiseError('usage', `${file}: ${st.size} bytes is too large for a subtitle file`);
    bytes = await readFile(file);
  } catch (err) {
    if (isNodeError(err) && err.code === 'ENOENT') throw new FramewiseError('file_missing', `${file}: the file does not exist`);
    if (isNodeError(err)) throw new FramewiseError('file_unreadable', `${file}: ${err.message}`);
    throw err;
  }
  return importSubtitleBytes(s, videoId, bytes, file, meta);
}

/** Import a subtitle file's bytes (a path's content, or a file the browser read): all or nothing. */
export async function importSubtitleBytes(
  s: Services,
  videoId: number,
  bytes: Uint8Array,
  file: string,
  meta: TrackMeta & { format?: SubtitleFormat | undefined },
): Promise<ImportResult> {
  const video = await getVideoRow(s.db.reader, videoId);
  if (bytes.byteLength > MAX_FILE_BYTES)
    throw new FramewiseError('usage', `${file}: ${bytes.byteLength} bytes is too large for a subtitle file`);
  const parsed = parseSubtitleFile(bytes, file, {
    ...(meta.format ? { format: meta.format } : {}),
    durationMs: Math.round(video.duration * 1000),
  });
  const track = await createTrack(s.db.writer, {
    videoId,
    language: meta.language ?? null,
    title: meta.title ?? path.basename(file),
    kind: meta.kind ?? 'subtitles',
    source: 'file',
    origin: path.basename(file),
    format: parsed.format,
    encoding: parsed.encoding,
    assHeader: parsed.assHeader,
    cues: parsed.cues,
    who: (await s.settings()).reviewerName,
  });
  return { track, format: parsed.format, encoding: parsed.encoding, issues: parsed.issues };
}

/** Subtitle streams inside the video file (ffprobe). */
export async function listEmbedded(s: Services, videoId: number): Promise<EmbeddedStream[]> {
  const video = await getVideoRow(s.db.reader, videoId);
  const info = await s.ffmpeg.probe(video.path);
  return info.streams
    .filter((x) => x.type === 'subtitle')
    .map((x) => {
      const bitmap = BITMAP_CODECS.has(x.codec ?? '');
      const text = TEXT_CODECS.has(x.codec ?? '');
      return {
        index: x.index,
        codec: x.codec,
        language: x.language,
        title: x.tags.title ?? null,
        importable: text,
        reason: bitmap
          ? `${x.codec} is a bitmap format (pictures of text): it cannot be edited as text; use an OCR tool to convert it to SRT first`
          : text
            ? null
            : `${x.codec ?? 'unknown'} subtitles are not supported`,
      };
    });
}

export async function importEmbedded(s: Services, videoId: number, streamIndex: number, meta: TrackMeta): Promise<ImportResult> {
  const video = await getVideoRow(s.db.reader, videoId);
  const stream = (await listEmbedded(s, videoId)).find((x) => x.index === streamIndex);
  if (!stream) throw new FramewiseError('not_found', `${video.name}: there is no subtitle stream with index ${streamIndex}`);
  if (!stream.importable) throw new FramewiseError('unsupported_codec', `${video.name}, stream ${streamIndex}: ${stream.reason}`);
  const as = stream.codec === 'ass' || stream.codec === 'ssa' ? 'ass' : 'srt';
  const bytes = await extractSubtitleStream(s.ffmpeg, video.path, streamIndex, as);
  const origin = `stream ${streamIndex} (${stream.codec})`;
  // Extracted times count from the file's start; cues count from the video's first frame.
  const offset = await videoStartMs(s.ffmpeg, video.path);
  const durationMs = Math.round(video.duration * 1000);
  const parsed = parseSubtitleFile(bytes, `${video.name} ${origin}`, { format: as, durationMs: durationMs + offset });
  if (offset)
    parsed.cues = parsed.cues
      .map((c) => ({ ...c, startMs: Math.max(0, c.startMs - offset), endMs: Math.min(durationMs, c.endMs - offset) }))
      .filter((c) => c.endMs > c.startMs);
  const track = await createTrack(s.db.writer, {
    videoId,
    language: meta.language ?? toShortLanguage(stream.language),
    title: meta.title ?? stream.title,
    kind: meta.kind ?? 'subtitles',
    source: 'embedded',
    origin,
    format: as,
    encoding: 'utf-8',
    assHeader: parsed.assHeader,
    cues: parsed.cues,
    who: (await s.settings()).reviewerName,
  });
  return { track, format: as, encoding: 'utf-8', issues: parsed.issues };
}

/** A track as SRT, WebVTT or ASS text (UTF-8, exact milliseconds for SRT/VTT). */
export async function exportTrackText(s: Pick<Services, 'db'>, videoId: number, trackId: number, format: ExportFormat): Promise<string> {
  const db = s.db.reader;
  const row = await getTrackRow(subDb(db), videoId, trackId);
  const cues = await getCues(db, trackId);
  if (format === 'srt') return writeSrt(cues);
  if (format === 'vtt') return writeVtt(cues);
  return writeAss(cues, row.ass_header);
}

/** ISO 639-2 bibliographic codes (what Matroska expects; MP4 takes them too). */
const LANG3: Record<string, string> = {
  de: 'ger',
  en: 'eng',
  fr: 'fre',
  it: 'ita',
  es: 'spa',
  nl: 'dut',
  pl: 'pol',
  pt: 'por',
  tr: 'tur',
  ru: 'rus',
  ar: 'ara',
  cs: 'cze',
  da: 'dan',
  el: 'gre',
  fi: 'fin',
  hu: 'hun',
  ja: 'jpn',
  ko: 'kor',
  no: 'nor',
  sv: 'swe',
  uk: 'ukr',
  zh: 'chi',
};
const LANG2 = Object.fromEntries([
  ...Object.entries(LANG3).map(([k, v]) => [v, k]),
  ['ger', 'de'],
  ['fre', 'fr'],
  ['dut', 'nl'],
  ['chi', 'zh'],
  ['gre', 'el'],
  ['cze', 'cs'],
]);

/** Containers want ISO 639-2 (three letters). */
export function toContainerLanguage(lang: string | null): string | null {
  if (!lang) return null;
  const base = lang.split('-')[0]!.toLowerCase();
  return base.length === 3 ? base : (LANG3[base] ?? null);
}

/** Tracks keep the short code when there is one (`deu`/`ger` → `de`). */
export function toShortLanguage(lang: string | null): string | null {
  if (!lang || lang === 'und') return null;
  return LANG2[lang.toLowerCase()] ?? lang.toLowerCase();
}
