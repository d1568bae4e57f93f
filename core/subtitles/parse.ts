import path from 'node:path';
import { FramewiseError } from '../util/errors.js';
import { decodeSubtitleBytes } from './charset.js';
import { parseAss } from './formats/ass.js';
import { parseSrt } from './formats/srt.js';
import { parseVtt } from './formats/vtt.js';
import { parseWhisper } from './formats/whisper.js';
import { repairCues } from './repair.js';
import type { ParsedSubtitles, ParseIssue, RawCue, SubtitleFormat } from './types.js';

/** Which format a file is: by its content first (a wrong extension is common), then by its extension. */
export function detectFormat(text: string, file: string): SubtitleFormat {
  const head = text.replace(/^\uFEFF/, '').trimStart();
  if (/^WEBVTT/.test(head)) return 'vtt';
  if (/^\[Script Info\]/i.test(head) || /^\[Events\]/im.test(head)) return 'ass';
  if (/^[[{]/.test(head)) return 'whisper';
  const ext = path.extname(file).toLowerCase();
  if (ext === '.vtt') return 'vtt';
  if (ext === '.ass' || ext === '.ssa') return 'ass';
  if (ext === '.json') return 'whisper';
  return 'srt';
}

/**
 * Read a subtitle file's bytes into cues: decode the character set, parse the format, repair what is safe.
 * Any error (a line that cannot be read safely) refuses the whole file with every problem listed by line, so
 * nothing is ever imported half.
 */
export function parseSubtitleFile(
  bytes: Uint8Array,
  file: string,
  opts: { format?: SubtitleFormat; durationMs?: number | null } = {},
): ParsedSubtitles & { encoding: string } {
  const { text: decoded, encoding } = decodeSubtitleBytes(bytes, file);
  const text = decoded.replace(/^\uFEFF/, '');
  const format = opts.format ?? detectFormat(text, file);
  let raw: { cues: RawCue[]; issues: ParseIssue[] };
  let assHeader: string | null = null;
  if (format === 'ass') {
    const a = parseAss(text);
    raw = a;
    assHeader = a.header;
  } else raw = format === 'vtt' ? parseVtt(text) : format === 'whisper' ? parseWhisper(text) : parseSrt(text);
  const repaired = repairCues(raw.cues, opts.durationMs ?? null);
  const issues = [...raw.issues, ...repaired.issues].sort((a, b) => a.line - b.line);
  const errors = issues.filter((i) => i.severity === 'error');
  const unit = format === 'whisper' ? 'segment' : 'line';
  if (errors.length)
    throw new FramewiseError(
      'usage',
      `${path.basename(file)}: not imported, ${errors.length} problem${errors.length > 1 ? 's' : ''} could not be repaired safely:\n` +
        errors.map((e) => `  ${unit} ${e.line}: ${e.message}`).join('\n'),
      { file, format, issues },
    );
  if (!repaired.cues.length)
    throw new FramewiseError('usage', `${path.basename(file)}: no cues found (read as ${format}, ${encoding})`, { file, format });
  return { format, cues: repaired.cues, issues, assHeader, encoding };
}
