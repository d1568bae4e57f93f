import { z } from 'zod';
import type { ParseIssue, RawCue, Word } from '../types.js';

const word = z
  .object({ word: z.string().optional(), text: z.string().optional(), start: z.number().nullish(), end: z.number().nullish() })
  .loose();
const segment = z
  .object({ start: z.number().nullish(), end: z.number().nullish(), text: z.string(), words: z.array(word).optional() })
  .loose();
const transcript = z.union([z.object({ segments: z.array(segment) }).loose(), z.array(segment)]);

const ms = (s: number) => Math.round(s * 1000);

/**
 * Whisper-style JSON (openai-whisper, faster-whisper, whisper.cpp `-oj` converted, WhisperX): `segments` with
 * `start`/`end` in seconds and `text`, optionally `words` with their own times. A segment without times takes
 * them from its words; one with neither is an error naming the segment.
 */
export function parseWhisper(text: string): { cues: RawCue[]; issues: ParseIssue[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    const pos = /position (\d+)/.exec((err as Error).message);
    const line = pos ? text.slice(0, Number(pos[1])).split('\n').length : 1;
    return { cues: [], issues: [{ line, severity: 'error', message: `not valid JSON: ${(err as Error).message}` }] };
  }
  const parsed = transcript.safeParse(json);
  if (!parsed.success)
    return {
      cues: [],
      issues: [{ line: 1, severity: 'error', message: 'not a Whisper transcript (expected {"segments": [{"start", "end", "text"}]})' }],
    };
  const segments = Array.isArray(parsed.data) ? parsed.data : parsed.data.segments;
  const cues: RawCue[] = [];
  const issues: ParseIssue[] = [];
  segments.forEach((s, n) => {
    const words: Word[] = (s.words ?? [])
      .filter((w) => typeof w.start === 'number' && typeof w.end === 'number')
      .map((w) => ({ startMs: ms(w.start!), endMs: ms(w.end!), text: (w.word ?? w.text ?? '').trim() }))
      .filter((w) => w.text);
    const start = typeof s.start === 'number' ? ms(s.start) : words[0]?.startMs;
    const end = typeof s.end === 'number' ? ms(s.end) : words[words.length - 1]?.endMs;
    if (start === undefined || end === undefined) {
      issues.push({ line: n + 1, severity: 'error', message: `segment ${n + 1} has no start/end time and no timed words` });
      return;
    }
    const cue: RawCue = { line: n + 1, startMs: start, endMs: end, text: s.text.trim(), align: null, style: null };
    if (words.length) cue.words = words;
    cues.push(cue);
  });
  return { cues, issues };
}
