import { fromHtmlish, toVttText } from '../markup.js';
import type { Cue, ParseIssue, RawCue } from '../types.js';
import { looksLikeTiming, parseTimingLine, vttTime } from './time.js';

/** WebVTT cue settings → numpad position (top when `line:0`/`line:0%`, else bottom; `align:` left/right). */
function alignFromSettings(settings: string): number | null {
  const line = /(?:^|\s)line:(-?\d+(?:\.\d+)?)(%?)/.exec(settings);
  const a = /(?:^|\s)align:(start|left|end|right|center|middle)/.exec(settings)?.[1];
  const h = a === 'start' || a === 'left' ? 1 : a === 'end' || a === 'right' ? 3 : 2;
  if (line) {
    const v = Number(line[1]);
    const top = line[2] ? v < 34 : v >= 0 && v < 3;
    const middle = line[2] ? v >= 34 && v < 67 : false;
    return (top ? 6 : middle ? 3 : 0) + h;
  }
  return h === 2 ? null : h;
}

function settingsFromAlign(align: number | null): string {
  if (!align || align === 2) return '';
  const row = Math.floor((align - 1) / 3);
  const col = (align - 1) % 3;
  const parts: string[] = [];
  if (row === 2) parts.push('line:0');
  if (row === 1) parts.push('line:50%');
  if (col === 0) parts.push('align:start');
  if (col === 2) parts.push('align:end');
  return parts.length ? ' ' + parts.join(' ') : '';
}

/** WebVTT: `WEBVTT` header, then NOTE/STYLE/REGION blocks (skipped) and cues (optional identifier line). */
export function parseVtt(text: string): { cues: RawCue[]; issues: ParseIssue[] } {
  const lines = text.split(/\r\n|\r|\n/);
  const cues: RawCue[] = [];
  const issues: ParseIssue[] = [];
  let i = 0;
  if (!/^WEBVTT(\s|$)/.test(lines[0] ?? '')) issues.push({ line: 1, severity: 'repaired', message: 'the "WEBVTT" header was missing' });
  else while (i < lines.length && lines[i]!.trim()) i++;
  while (i < lines.length) {
    while (i < lines.length && !lines[i]!.trim()) i++;
    if (i >= lines.length) break;
    const blockStart = i;
    const block: string[] = [];
    while (i < lines.length && lines[i]!.trim()) block.push(lines[i++]!);
    if (/^(NOTE|STYLE|REGION)(\s|$)/.test(block[0]!)) continue;
    const k = block[0]!.includes('-->') || (looksLikeTiming(block[0]!) && !block[1]?.includes('-->')) ? 0 : 1;
    const timing = block[k] === undefined ? null : parseTimingLine(block[k]!);
    const line = blockStart + k + 1;
    if (!timing) {
      issues.push({
        line,
        severity: 'error',
        message: `unreadable timing "${(block[k] ?? block[0]!).trim()}" (expected 00:01.000 --> 00:02.500)`,
      });
      continue;
    }
    if (timing.arrowMissing) issues.push({ line, severity: 'repaired', message: 'the "-->" between the two times was missing' });
    const body = block
      .slice(k + 1)
      .join('\n')
      .replace(/<\d{1,2}:[\d:.]+>/g, '');
    cues.push({
      line,
      startMs: timing.start,
      endMs: timing.end,
      text: fromHtmlish(body),
      align: alignFromSettings(timing.rest),
      style: null,
    });
  }
  return { cues, issues };
}

export function writeVtt(cues: readonly Cue[]): string {
  const body = cues
    .map((c) => `${vttTime(c.startMs)} --> ${vttTime(c.endMs)}${settingsFromAlign(c.align)}\n${toVttText(c.text)}`)
    .join('\n\n');
  return `WEBVTT\n\n${body}\n`;
}
