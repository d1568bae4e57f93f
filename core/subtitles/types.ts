import { z } from 'zod';

/** One subtitle cue: half-open [startMs, endMs), text in Framewise markup (see markup.ts). */
export interface Cue {
  startMs: number;
  endMs: number;
  /** `<i>`, `<b>`, `<u>` and `\n` line breaks; nothing else. */
  text: string;
  /** Position as the numeric keypad (1 = bottom left, 2 = bottom centre, 8 = top centre …); null = default. */
  align: number | null;
  /** ASS style name when the cue came from ASS (kept for ASS export). */
  style: string | null;
  /** Word timings from a Whisper transcript, when it had them. */
  words?: Word[];
}

export interface Word {
  startMs: number;
  endMs: number;
  text: string;
}

export const subtitleFormats = ['srt', 'vtt', 'ass', 'whisper'] as const;
export type SubtitleFormat = (typeof subtitleFormats)[number];
export const exportFormats = ['srt', 'vtt', 'ass'] as const;
export type ExportFormat = (typeof exportFormats)[number];

/** One finding while reading a file: `repaired` was fixed safely, `error` stops the import. */
export interface ParseIssue {
  line: number;
  severity: 'repaired' | 'error';
  message: string;
}

export interface ParsedSubtitles {
  format: SubtitleFormat;
  cues: Cue[];
  issues: ParseIssue[];
  /** ASS `[Script Info]` + styles sections, kept so an ASS track exports as ASS again. */
  assHeader: string | null;
}

/** A cue as it comes out of a parser: with the line it started on, before repair. */
export interface RawCue extends Cue {
  line: number;
}

export const trackKinds = ['subtitles', 'captions'] as const;
export type TrackKind = (typeof trackKinds)[number];
export type TrackSource = 'file' | 'embedded' | 'made';

export interface SubtitleTrack {
  id: number;
  videoId: number;
  language: string | null;
  title: string | null;
  kind: TrackKind;
  source: TrackSource;
  /** The file name or `stream N` it came from. */
  origin: string | null;
  format: SubtitleFormat | null;
  encoding: string | null;
  /** Marked reviewed by a person (only reviewed tracks may be kept in anonymized exports). */
  reviewed: boolean;
  cueCount: number;
  createdAt: string;
}

export interface StoredCue extends Cue {
  /** The cue's revision id: every change gives new ids (stale edits are refused as conflicts). */
  id: number;
  trackId: number;
}

export const languageSchema = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/, 'a language code like de, en or deu')
  .nullable();

export const cueInputSchema = z
  .object({
    startMs: z.number().int().min(0),
    endMs: z.number().int().min(1),
    text: z.string().max(2000),
    align: z.number().int().min(1).max(9).nullable().optional(),
    style: z.string().max(200).nullable().optional(),
  })
  .strict();
