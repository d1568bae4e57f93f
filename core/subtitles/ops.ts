import { FramewiseError } from '../util/errors.js';
import { editTrack, type SubtitleChange } from './edits.js';
import { cueRow, activeCueRows, toStoredCue } from './store.js';
import type { CueRow } from './tables.js';
import { cuesFromSpeech, enforceTiming, shiftTime, snapToSpeech, stretchMap, stretchTime, type SpeechSegment } from './timing.js';
import type { Cue } from './types.js';
import type { Services } from '../services.js';
import { plainText } from './markup.js';

type S = Pick<Services, 'db' | 'events' | 'settings'>;

const cueOf = (r: CueRow): Cue => {
  const c = toStoredCue(r);
  return { startMs: c.startMs, endMs: c.endMs, text: c.text, align: c.align, style: c.style, ...(c.words ? { words: c.words } : {}) };
};

function cleanText(text: string): string {
  return text
    .replace(/\r/g, '')
    .replace(/\n\s*\n+/g, '\n')
    .trim();
}

export function addCue(
  s: S,
  videoId: number,
  trackId: number,
  c: { startMs: number; endMs: number; text: string; align?: number | null },
): Promise<SubtitleChange> {
  return editTrack(s, videoId, trackId, 'add', async ({ who }) => ({
    before: [],
    insert: [cueRow(trackId, { startMs: c.startMs, endMs: c.endMs, text: cleanText(c.text), align: c.align ?? null, style: null }, who)],
  }));
}

/** Move, resize or retype one cue (`id` is the revision the caller saw). */
export function updateCue(
  s: S,
  videoId: number,
  trackId: number,
  a: { id: number; startMs?: number; endMs?: number; text?: string; align?: number | null },
): Promise<SubtitleChange> {
  return editTrack(s, videoId, trackId, 'update', async ({ requireActive, who }) => {
    const [r] = await requireActive([a.id]);
    const old = cueOf(r!);
    const next: Cue = {
      ...old,
      startMs: a.startMs ?? old.startMs,
      endMs: a.endMs ?? old.endMs,
      text: a.text === undefined ? old.text : cleanText(a.text),
      align: a.align === undefined ? old.align : a.align,
    };
    if (a.text !== undefined && next.text !== old.text) delete next.words;
    if (next.startMs === old.startMs && next.endMs === old.endMs && next.text === old.text && next.align === old.align)
      return { before: [], insert: [] };
    return { before: [r!], insert: [cueRow(trackId, next, who, r!.id)] };
  });
}

/** Split the text of a cue in two at the word boundary nearest to `fraction` of its characters. */
export function splitText(text: string, fraction: number): [string, string] {
  const lines = text.split('\n');
  if (lines.length > 1) {
    const k = Math.min(lines.length - 1, Math.max(1, Math.round(lines.length * fraction)));
    return [lines.slice(0, k).join('\n'), lines.slice(k).join('\n')];
  }
  const target = text.length * fraction;
  let best = -1;
  for (let i = 0; i < text.length; i++) if (text[i] === ' ' && (best < 0 || Math.abs(i - target) < Math.abs(best - target))) best = i;
  return best < 0 ? [text, ''] : [text.slice(0, best).trim(), text.slice(best + 1).trim()];
}

/** Split a cue at `atMs` into [start, at) and [at, end); its text is split at the matching word boundary. */
export function splitCue(s: S, videoId: number, trackId: number, a: { id: number; atMs: number }): Promise<SubtitleChange> {
  return editTrack(s, videoId, trackId, 'split', async ({ requireActive, who }) => {
    const [r] = await requireActive([a.id]);
    const c = cueOf(r!);
    if (!Number.isInteger(a.atMs) || a.atMs <= c.startMs || a.atMs >= c.endMs)
      throw new FramewiseError('usage', `Split time ${a.atMs} ms is not inside cue ${a.id} [${c.startMs}, ${c.endMs})`);
    const [t1, t2] = splitText(c.text, (a.atMs - c.startMs) / (c.endMs - c.startMs));
    const words = c.words ?? [];
    const first: Cue = { ...c, endMs: a.atMs, text: t1 || t2 };
    const second: Cue = { ...c, startMs: a.atMs, text: t1 ? t2 || '…' : '…' };
    delete first.words;
    delete second.words;
    if (words.length) {
      first.words = words.filter((w) => w.startMs < a.atMs);
      second.words = words.filter((w) => w.startMs >= a.atMs);
    }
    return { before: [r!], insert: [cueRow(trackId, first, who, r!.id), cueRow(trackId, second, who)] };
  });
}

/** Merge cues into one spanning all of them; texts joined line by line (the first keeps the lineage). */
export function mergeCues(s: S, videoId: number, trackId: number, a: { ids: number[] }): Promise<SubtitleChange> {
  return editTrack(s, videoId, trackId, 'merge', async ({ requireActive, who }) => {
    const ids = [...new Set(a.ids)];
    if (ids.length < 2) throw new FramewiseError('usage', 'Merging needs at least two cues');
    const rows = (await requireActive(ids)).sort((x, y) => x.start_ms - y.start_ms);
    const cues = rows.map(cueOf);
    const merged: Cue = {
      ...cues[0]!,
      startMs: Math.min(...cues.map((c) => c.startMs)),
      endMs: Math.max(...cues.map((c) => c.endMs)),
      text: cues.map((c) => c.text).join('\n'),
    };
    const words = cues.flatMap((c) => c.words ?? []);
    if (words.length) merged.words = words;
    else delete merged.words;
    return {
      before: rows,
      insert: [cueRow(trackId, merged, who, rows[0]!.id), ...rows.slice(1).map((r) => cueRow(trackId, cueOf(r), who, r.id, 1))],
    };
  });
}

export function deleteCues(s: S, videoId: number, trackId: number, a: { ids: number[] }): Promise<SubtitleChange> {
  return editTrack(s, videoId, trackId, 'delete', async ({ requireActive, who }) => {
    const rows = await requireActive([...new Set(a.ids)]);
    return { before: rows, insert: rows.map((r) => cueRow(trackId, cueOf(r), who, r.id, 1)) };
  });
}

/** Retime all (or the given) cues with `f`: one history entry; cues that do not move are left alone. */
function retime(
  s: S,
  videoId: number,
  trackId: number,
  op: 'shift' | 'stretch' | 'snap',
  ids: number[] | undefined,
  f: (c: Cue, durationMs: number) => Cue,
) {
  return editTrack(s, videoId, trackId, op, async ({ trx, requireActive, who, durationMs }) => {
    const rows = ids ? await requireActive([...new Set(ids)]) : await activeCueRows(trx, trackId);
    const before: CueRow[] = [];
    const insert = [];
    for (const r of rows) {
      const c = cueOf(r);
      const n = f(c, durationMs);
      if (n.startMs === c.startMs && n.endMs === c.endMs) continue;
      before.push(r);
      insert.push(cueRow(trackId, n, who, r.id));
    }
    return { before, insert };
  });
}

export function shiftCues(s: S, videoId: number, trackId: number, a: { offsetMs: number; ids?: number[] }): Promise<SubtitleChange> {
  return retime(s, videoId, trackId, 'shift', a.ids, (c, d) => shiftTime(c, a.offsetMs, d));
}

export function stretchCues(
  s: S,
  videoId: number,
  trackId: number,
  a: { anchors: [{ fromMs: number; toMs: number }, { fromMs: number; toMs: number }]; ids?: number[] },
): Promise<SubtitleChange> {
  let map: (ms: number) => number;
  try {
    map = stretchMap(a.anchors[0], a.anchors[1]);
  } catch (err) {
    throw new FramewiseError('usage', (err as Error).message);
  }
  return retime(s, videoId, trackId, 'stretch', a.ids, (c, d) => stretchTime(c, map, d));
}

export function snapCues(
  s: S,
  videoId: number,
  trackId: number,
  a: { speech: SpeechSegment[]; toleranceMs: number; ids?: number[] },
): Promise<SubtitleChange> {
  return retime(s, videoId, trackId, 'snap', a.ids, (c) => snapToSpeech(c, a.speech, a.toleranceMs));
}

/** Add empty cues (text "…") from speech segments, skipping ones that overlap an existing cue. */
export function addCuesFromSpeech(
  s: S,
  videoId: number,
  trackId: number,
  a: { speech: SpeechSegment[]; maxMs?: number; placeholder?: string },
): Promise<SubtitleChange> {
  return editTrack(s, videoId, trackId, 'fromSpeech', async ({ trx, who, durationMs }) => {
    const existing = (await activeCueRows(trx, trackId)).map(cueOf);
    const made = cuesFromSpeech(a.speech, { durationMs, ...(a.maxMs ? { maxMs: a.maxMs } : {}) }).filter(
      (m) => !existing.some((e) => e.startMs < m.endMs && m.startMs < e.endMs),
    );
    return { before: [], insert: made.map((m) => cueRow(trackId, { ...m, text: a.placeholder ?? '…', align: null, style: null }, who)) };
  });
}

/** Lengthen cues read too fast and shorten cues too close to the next one, where the timeline allows (one entry). */
export function enforceCues(
  s: S,
  videoId: number,
  trackId: number,
  rules: { maxCharsPerSecond: number; minGapMs: number },
): Promise<SubtitleChange> {
  return editTrack(s, videoId, trackId, 'enforce', async ({ trx, who, durationMs }) => {
    const rows = await activeCueRows(trx, trackId);
    const items = rows.map((r) => ({ ...cueOf(r), row: r }));
    const fixed = enforceTiming(items, rules, durationMs, (t) => plainText(t).replace(/\n/g, ' ').length);
    const before: CueRow[] = [];
    const insert = [];
    for (const f of fixed) {
      if (f.endMs === f.row.end_ms) continue;
      const { row, ...cue } = f;
      before.push(row);
      insert.push(cueRow(trackId, cue, who, row.id));
    }
    return { before, insert };
  });
}
