import { plainText } from './markup.js';
import type { Cue } from './types.js';

export interface CueWarning {
  /** Index of the cue in the list (and its id when stored). */
  index: number;
  id?: number;
  kind: 'too_fast' | 'line_too_long' | 'too_many_lines' | 'overlap' | 'gap_too_short' | 'too_short';
  message: string;
}

export interface CheckRules {
  /** Characters per second a viewer can read (common guidelines: 15–17 for adults, 13 for children). */
  maxCharsPerSecond: number;
  maxLineLength: number;
  maxLines: number;
  /** Minimum gap between consecutive cues (a blink between them: ~2 frames). */
  minGapMs: number;
  minDurationMs: number;
}

export const defaultRules: CheckRules = { maxCharsPerSecond: 17, maxLineLength: 42, maxLines: 2, minGapMs: 80, minDurationMs: 833 };

/** Warnings per cue: reading speed, line length and count, overlaps, too-short gaps and durations. */
export function checkCues(cues: ReadonlyArray<Cue & { id?: number }>, rules: CheckRules = defaultRules): CueWarning[] {
  const out: CueWarning[] = [];
  const sorted = cues.map((c, index) => ({ c, index })).sort((a, b) => a.c.startMs - b.c.startMs);
  sorted.forEach(({ c, index }, k) => {
    const add = (kind: CueWarning['kind'], message: string) =>
      out.push({ index, ...(c.id !== undefined ? { id: c.id } : {}), kind, message });
    const text = plainText(c.text);
    const lines = text.split('\n');
    const seconds = (c.endMs - c.startMs) / 1000;
    const chars = text.replace(/\n/g, ' ').length;
    const cps = seconds > 0 ? chars / seconds : Infinity;
    if (cps > rules.maxCharsPerSecond) add('too_fast', `${cps.toFixed(1)} characters per second (at most ${rules.maxCharsPerSecond})`);
    const longest = Math.max(...lines.map((l) => [...l].length));
    if (longest > rules.maxLineLength) add('line_too_long', `a line of ${longest} characters (at most ${rules.maxLineLength})`);
    if (lines.length > rules.maxLines) add('too_many_lines', `${lines.length} lines (at most ${rules.maxLines})`);
    if (c.endMs - c.startMs < rules.minDurationMs) add('too_short', `shown ${c.endMs - c.startMs} ms (at least ${rules.minDurationMs})`);
    const next = sorted[k + 1]?.c;
    if (next && next.startMs < c.endMs) add('overlap', `overlaps the next cue by ${c.endMs - next.startMs} ms`);
    else if (next && next.startMs - c.endMs < rules.minGapMs)
      add('gap_too_short', `${next.startMs - c.endMs} ms before the next cue (at least ${rules.minGapMs})`);
  });
  return out;
}
