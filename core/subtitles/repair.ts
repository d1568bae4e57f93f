import type { Cue, ParseIssue, RawCue } from './types.js';

/**
 * Make parsed cues safe to store, reporting every change by the line it came from:
 *  - empty cues are dropped, blank lines inside a cue collapsed (they would end the cue in SRT/VTT);
 *  - cues out of order are sorted by start;
 *  - a cue ending before (or at) its start is an error (which end is wrong cannot be known);
 *  - a cue overlapping the next one is cut at the next one's start; two cues starting together are merged;
 *  - a cue running past the video's end is cut there; one starting after it is an error.
 */
export function repairCues(raw: RawCue[], durationMs: number | null): { cues: Cue[]; issues: ParseIssue[] } {
  const issues: ParseIssue[] = [];
  let list: RawCue[] = [];
  for (const c of raw) {
    const text = c.text.replace(/\n\s*\n+/g, '\n').trim();
    if (text !== c.text && text) issues.push({ line: c.line, severity: 'repaired', message: 'blank lines inside the cue were removed' });
    if (!text) {
      issues.push({ line: c.line, severity: 'repaired', message: 'an empty cue was dropped' });
      continue;
    }
    if (c.endMs <= c.startMs) {
      issues.push({ line: c.line, severity: 'error', message: `the cue ends (${c.endMs} ms) before it starts (${c.startMs} ms)` });
      continue;
    }
    if (durationMs !== null && c.startMs >= durationMs) {
      issues.push({
        line: c.line,
        severity: 'error',
        message: `the cue starts at ${c.startMs} ms, after the video ends (${durationMs} ms)`,
      });
      continue;
    }
    if (durationMs !== null && c.endMs > durationMs) {
      issues.push({ line: c.line, severity: 'repaired', message: `the cue ran past the video's end; it now ends at ${durationMs} ms` });
      list.push({ ...c, text, endMs: durationMs });
      continue;
    }
    list.push({ ...c, text });
  }
  for (let i = 1; i < list.length; i++)
    if (list[i]!.startMs < list[i - 1]!.startMs) {
      issues.push({
        line: list[i]!.line,
        severity: 'repaired',
        message: 'the cue was out of order (it starts before the cue above it); cues were sorted',
      });
      list = [...list].sort((a, b) => a.startMs - b.startMs || a.line - b.line);
      break;
    }
  const out: RawCue[] = [];
  for (const c of list) {
    const prev = out[out.length - 1];
    if (prev && c.startMs === prev.startMs) {
      issues.push({
        line: c.line,
        severity: 'repaired',
        message: `the cue starts together with the cue on line ${prev.line}; the two were merged`,
      });
      out[out.length - 1] = { ...prev, endMs: Math.max(prev.endMs, c.endMs), text: `${prev.text}\n${c.text}` };
      continue;
    }
    if (prev && c.startMs < prev.endMs) {
      issues.push({
        line: prev.line,
        severity: 'repaired',
        message: `the cue overlapped the next one (line ${c.line}); it now ends at ${c.startMs} ms`,
      });
      out[out.length - 1] = { ...prev, endMs: c.startMs };
    }
    out.push(c);
  }
  issues.sort((a, b) => a.line - b.line);
  return { cues: out.map(({ line: _line, ...cue }) => cue), issues };
}
