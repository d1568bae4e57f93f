import { fromHtmlish, takeLeadingAlign, toSrtText } from '../markup.js';
import type { Cue, ParseIssue, RawCue } from '../types.js';
import { looksLikeTiming, parseTimingLine, srtTime } from './time.js';

/**
 * SubRip. Blocks are separated by blank lines: an optional counter, a timing line, text lines. Missing arrows
 * and missing counters are repaired; a block without a readable timing line is an error naming its line.
 */
export function parseSrt(text: string): { cues: RawCue[]; issues: ParseIssue[] } {
  const lines = text.split(/\r\n|\r|\n/);
  const cues: RawCue[] = [];
  const issues: ParseIssue[] = [];
  let i = 0;
  while (i < lines.length) {
    while (i < lines.length && !lines[i]!.trim()) i++;
    if (i >= lines.length) break;
    const blockStart = i;
    const block: string[] = [];
    while (i < lines.length && lines[i]!.trim()) block.push(lines[i++]!);
    let k = 0;
    if (/^\s*\d+\s*$/.test(block[0]!) && block.length > 1) k = 1;
    const timingLine = blockStart + k + 1;
    const timing = block[k] === undefined ? null : parseTimingLine(block[k]!);
    if (!timing) {
      const what = block[k] !== undefined && looksLikeTiming(block[k]!) ? `unreadable timing "${block[k]!.trim()}"` : 'no timing line';
      issues.push({ line: timingLine, severity: 'error', message: `${what} (expected 00:00:01,000 --> 00:00:02,500)` });
      continue;
    }
    if (timing.arrowMissing)
      issues.push({ line: timingLine, severity: 'repaired', message: 'the "-->" between the two times was missing' });
    const { text: body, align } = takeLeadingAlign(block.slice(k + 1).join('\n'));
    cues.push({ line: timingLine, startMs: timing.start, endMs: timing.end, text: fromHtmlish(body), align, style: null });
  }
  return { cues, issues };
}

export function writeSrt(cues: readonly Cue[]): string {
  return (
    cues
      .map(
        (c, n) =>
          `${n + 1}\n${srtTime(c.startMs)} --> ${srtTime(c.endMs)}\n${c.align && c.align !== 2 ? `{\\an${c.align}}` : ''}${toSrtText(c.text)}`,
      )
      .join('\n\n') + '\n'
  );
}
