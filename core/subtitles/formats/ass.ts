import { fromAss, toAssText } from '../markup.js';
import type { Cue, ParseIssue, RawCue } from '../types.js';
import { assTime, parseClock } from './time.js';

const DEFAULT_FORMAT = ['Layer', 'Start', 'End', 'Style', 'Name', 'MarginL', 'MarginR', 'MarginV', 'Effect', 'Text'];

/** The header Framewise writes when a track has none of its own (one default style, 1080 lines tall). */
export const DEFAULT_ASS_HEADER = [
  '[Script Info]',
  'ScriptType: v4.00+',
  'PlayResX: 1920',
  'PlayResY: 1080',
  'WrapStyle: 0',
  'ScaledBorderAndShadow: yes',
  '',
  '[V4+ Styles]',
  'Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding',
  'Style: Default,DejaVu Sans,54,&H00FFFFFF,&H000000FF,&H00000000,&H80000000,0,0,0,0,100,100,0,0,1,3,0,2,60,60,50,1',
].join('\n');

/**
 * ASS / SSA: the `[Events]` section's `Format:` names the fields; `Dialogue:` lines carry cues (`Comment:` lines
 * are skipped). Everything before `[Events]` (script info, styles) is kept as the track's header.
 */
export function parseAss(text: string): { cues: RawCue[]; issues: ParseIssue[]; header: string } {
  const lines = text.split(/\r\n|\r|\n/);
  const cues: RawCue[] = [];
  const issues: ParseIssue[] = [];
  const header: string[] = [];
  let section = '';
  let format = DEFAULT_FORMAT;
  let sawEvents = false;
  lines.forEach((raw, idx) => {
    const line = raw.trim();
    const n = idx + 1;
    const sec = /^\[(.+)\]$/.exec(line);
    if (sec) {
      section = sec[1]!.toLowerCase();
      if (section === 'events') sawEvents = true;
      else if (!sawEvents) header.push(raw);
      return;
    }
    if (section !== 'events') {
      if (!sawEvents && section) header.push(raw);
      return;
    }
    if (/^Format\s*:/i.test(line)) {
      format = line
        .replace(/^Format\s*:/i, '')
        .split(',')
        .map((f) => f.trim());
      return;
    }
    const dlg = /^Dialogue\s*:\s*(.*)$/i.exec(line);
    if (!dlg) return;
    const fields = dlg[1]!.split(',');
    if (fields.length < format.length) {
      issues.push({ line: n, severity: 'error', message: `a Dialogue line with ${fields.length} fields, expected ${format.length}` });
      return;
    }
    const head = fields.slice(0, format.length - 1).map((f) => f.trim());
    const textField = fields.slice(format.length - 1).join(',');
    const get = (name: string) => head[format.findIndex((f) => f.toLowerCase() === name.toLowerCase())];
    const start = parseClock(get('Start') ?? '');
    const end = parseClock(get('End') ?? '');
    if (start === null || end === null) {
      issues.push({ line: n, severity: 'error', message: `unreadable time "${get('Start')}" / "${get('End')}" (expected 0:00:01.00)` });
      return;
    }
    const { text: body, align } = fromAss(textField);
    cues.push({ line: n, startMs: start, endMs: end, text: body, align, style: get('Style') || null });
  });
  if (!sawEvents) issues.push({ line: 1, severity: 'error', message: 'no [Events] section: this is not an ASS/SSA subtitle file' });
  while (header.length && !header[header.length - 1]!.trim()) header.pop();
  return { cues, issues, header: header.join('\n') };
}

/** Write ASS with the track's own header (or the default one); cue styles not in the header fall back to Default. */
export function writeAss(cues: readonly Cue[], header: string | null): string {
  const head = header && /\[V4\+? Styles\]/i.test(header) ? header : DEFAULT_ASS_HEADER;
  const styles = new Set([...head.matchAll(/^Style:\s*([^,]+),/gim)].map((m) => m[1]!.trim()));
  const fallback = styles.has('Default') ? 'Default' : ([...styles][0] ?? 'Default');
  const events = cues.map((c) => {
    const style = c.style && styles.has(c.style) ? c.style : fallback;
    return `Dialogue: 0,${assTime(c.startMs)},${assTime(c.endMs)},${style},,0,0,0,,${toAssText(c.text, c.align)}`;
  });
  return `${head}\n\n[Events]\nFormat: ${DEFAULT_FORMAT.join(', ')}\n${events.join('\n')}\n`;
}
