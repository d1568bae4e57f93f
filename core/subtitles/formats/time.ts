/**
 * Cue times as text. All parsers return whole milliseconds; SRT and WebVTT write exact milliseconds, ASS
 * centiseconds (its format has no finer unit).
 */

/** `HH:MM:SS,mmm` / `HH:MM:SS.mmm` / `MM:SS.mmm` (hours optional, 1–3 fraction digits) → ms, else null. */
export function parseClock(text: string): number | null {
  const m = /^\s*(?:(\d{1,3}):)?(\d{1,2}):(\d{1,2})(?:[,.:](\d{1,3}))?\s*$/.exec(text);
  if (!m) return null;
  const [, h, mm, ss, frac] = m;
  const minutes = Number(mm);
  const seconds = Number(ss);
  if (minutes > 59 || seconds > 59) return null;
  const ms = frac === undefined ? 0 : Number(frac.padEnd(3, '0'));
  return ((Number(h ?? 0) * 60 + minutes) * 60 + seconds) * 1000 + ms;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function split(ms: number) {
  const t = Math.max(0, Math.round(ms));
  return { h: Math.floor(t / 3_600_000), m: Math.floor(t / 60_000) % 60, s: Math.floor(t / 1000) % 60, ms: t % 1000 };
}

export function srtTime(ms: number): string {
  const t = split(ms);
  return `${pad(t.h, 2)}:${pad(t.m, 2)}:${pad(t.s, 2)},${pad(t.ms, 3)}`;
}

export function vttTime(ms: number): string {
  const t = split(ms);
  return `${pad(t.h, 2)}:${pad(t.m, 2)}:${pad(t.s, 2)}.${pad(t.ms, 3)}`;
}

/** ASS: `H:MM:SS.cc` (centiseconds, rounded). */
export function assTime(ms: number): string {
  const cs = Math.round(Math.max(0, ms) / 10);
  const h = Math.floor(cs / 360_000);
  const m = Math.floor(cs / 6000) % 60;
  const s = Math.floor(cs / 100) % 60;
  return `${h}:${pad(m, 2)}:${pad(s, 2)}.${pad(cs % 100, 2)}`;
}

/** A timing line `start --> end` (arrow may be missing: two times separated by spaces are accepted). */
export function parseTimingLine(line: string): { start: number; end: number; rest: string; arrowMissing: boolean } | null {
  const arrow = /^\s*(\S+)\s*-+>\s*(\S+)(.*)$/.exec(line);
  if (arrow) {
    const start = parseClock(arrow[1]!);
    const end = parseClock(arrow[2]!);
    if (start === null || end === null) return null;
    return { start, end, rest: arrow[3]!.trim(), arrowMissing: false };
  }
  const bare =
    /^\s*(\d{1,3}:\d{1,2}:\d{1,2}[,.]\d{1,3}|\d{1,2}:\d{1,2}[,.]\d{1,3})\s+(\d{1,3}:\d{1,2}:\d{1,2}[,.]\d{1,3}|\d{1,2}:\d{1,2}[,.]\d{1,3})(.*)$/.exec(
      line,
    );
  if (!bare) return null;
  const start = parseClock(bare[1]!);
  const end = parseClock(bare[2]!);
  if (start === null || end === null) return null;
  return { start, end, rest: bare[3]!.trim(), arrowMissing: true };
}

/** Does this line look like it was meant as a timing line (so a bad one is reported, not taken as text)? */
export function looksLikeTiming(line: string): boolean {
  return /-->|^\s*\d{1,2}:\d{2}(:\d{2})?[,.]\d/.test(line);
}
