/** A calendar date found in OCR text. */
export interface FoundDate {
  /** ISO YYYY-MM-DD */
  iso: string;
  /** HH:MM[:SS] when a time follows the date on the same line. */
  time: string | null;
  /** Day and month could be swapped (both ≤ 12, order taken from the layout convention). */
  ambiguous: boolean;
  /** Character offsets of the match in the text. */
  start: number;
  end: number;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

export function isValidDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1 || d > 31 || y < 1880 || y > 2200) return false;
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

function expandYear(yy: number, today: Date): number {
  const pivot = today.getUTCFullYear() % 100;
  return yy <= pivot ? 2000 + yy : 1900 + yy;
}

const YMD = /(?<![\d])(\d{4})\s?[-/.]\s?(\d{1,2})\s?[-/.]\s?(\d{1,2})(?![\d])/g;
const DMY = /(?<![\d])(\d{1,2})\s?([./-])\s?(\d{1,2})\s?\2\s?(\d{4}|\d{2})(?![\d])/g;
/** German and English month names and their usual abbreviations. */
const MON =
  '(jan(?:uar|uary)?|feb(?:ruar|ruary)?|m(?:ä|ae|a)r(?:z|ch)?|mrz|apr(?:il)?|ma[iy]|jun[ie]?|jul[iy]?|aug(?:ust)?|sep(?:t(?:ember)?)?|o[ck]t(?:ober)?|nov(?:ember)?|de[cz](?:ember)?)\\.?(?![\\p{L}])';
/** "3. März 2023", "03 Mar 2023" */
const D_MON_Y = new RegExp(`(?<![\\d\\p{L}])(\\d{1,2})\\.?\\s*${MON}\\s*(\\d{4})(?!\\d)`, 'giu');
/** "Mar 3, 2023" */
const MON_D_Y = new RegExp(`(?<![\\p{L}])${MON}\\s*(\\d{1,2})(?:st|nd|rd|th)?,?\\s*(\\d{4})(?!\\d)`, 'giu');

function monthNumber(name: string): number {
  const k = name
    .toLowerCase()
    .replace('ä', 'a')
    .replace('ae', 'a')
    .replace(/^mrz/, 'mar')
    .replace(/^dez/, 'dec')
    .replace(/^okt/, 'oct')
    .replace(/^mai/, 'may')
    .slice(0, 3);
  return ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'].indexOf(k) + 1;
}

/** hh:mm[:ss] (or with dots), optionally 12-hour with am/pm ("2:31 PM"). */
const TIME = /(?<![\d])([01]?\d|2[0-3])([:.])([0-5]\d)(?:\2([0-5]\d))?(?![\d])(?:\s?([ap])\.?m\b\.?)?/i;

/** 24-hour hh:mm[:ss] of a TIME match. */
function time24(t: RegExpExecArray): string | null {
  let h = Number(t[1]);
  if (t[5]) {
    if (h < 1 || h > 12) return null;
    h = (h % 12) + (t[5].toLowerCase() === 'p' ? 12 : 0);
  }
  return `${pad(h)}:${t[3]}${t[4] ? `:${t[4]}` : ''}`;
}

/**
 * Find dates in a line: yyyy-mm-dd, yyyy/mm/dd, dd.mm.yyyy, dd/mm/yyyy, dd.mm.yy (and - separators), and with
 * German or English month names ("3. März 2023", "03 Mar 2023", "Mar 3, 2023").
 * Day/month order for d/m/y forms: a part above 12 decides; otherwise `order` (default day first).
 */
export function findDates(text: string, opts: { today?: Date; order?: 'dmy' | 'mdy' } = {}): FoundDate[] {
  const today = opts.today ?? new Date();
  const out: FoundDate[] = [];
  const taken: Array<[number, number]> = [];
  for (const m of text.matchAll(YMD)) {
    const y = Number(m[1]),
      mo = Number(m[2]),
      d = Number(m[3]);
    if (!isValidDate(y, mo, d)) continue;
    const start = m.index ?? 0;
    out.push({ iso: `${y}-${pad(mo)}-${pad(d)}`, time: null, ambiguous: false, start, end: start + m[0].length });
    taken.push([start, start + m[0].length]);
  }
  for (const m of text.matchAll(DMY)) {
    const start = m.index ?? 0;
    if (taken.some(([a, b]) => start < b && start + m[0].length > a)) continue;
    const a = Number(m[1]),
      b = Number(m[3]);
    // A time like 09.52.17 looks like a two-digit-year date; a time-like triple with ':' never matches (no ':' separator).
    let y = Number(m[4]);
    if (m[4]!.length === 2) y = expandYear(y, today);
    let day: number,
      month: number,
      ambiguous = false;
    if (a > 12 && b <= 12) [day, month] = [a, b];
    else if (b > 12 && a <= 12) [day, month] = [b, a];
    else if (a <= 12 && b <= 12) {
      ambiguous = a !== b;
      [day, month] = opts.order === 'mdy' ? [b, a] : [a, b];
    } else continue;
    if (!isValidDate(y, month, day)) continue;
    out.push({ iso: `${y}-${pad(month)}-${pad(day)}`, time: null, ambiguous, start, end: start + m[0].length });
  }
  const named: Array<[RegExp, (m: RegExpMatchArray) => [number, number, number]]> = [
    [D_MON_Y, (m) => [Number(m[3]), monthNumber(m[2]!), Number(m[1])]],
    [MON_D_Y, (m) => [Number(m[3]), monthNumber(m[1]!), Number(m[2])]],
  ];
  for (const [re, parts] of named) {
    for (const m of text.matchAll(re)) {
      const start = m.index ?? 0;
      if (taken.some(([a, b]) => start < b && start + m[0].length > a)) continue;
      const [y, mo, d] = parts(m);
      if (!isValidDate(y, mo, d)) continue;
      out.push({ iso: `${y}-${pad(mo)}-${pad(d)}`, time: null, ambiguous: false, start, end: start + m[0].length });
      taken.push([start, start + m[0].length]);
    }
  }
  out.sort((x, y) => x.start - y.start);
  // A time on the line belongs to the date before it (or the only date).
  const blanked = [DMY, YMD, D_MON_Y, MON_D_Y].reduce((t, re) => t.replace(re, (s) => ' '.repeat(s.length)), text);
  const t = TIME.exec(blanked);
  const time = t ? time24(t) : null;
  if (t && time && out.length) {
    const before = out.filter((d) => d.end <= (t.index ?? 0));
    (before[before.length - 1] ?? out[0]!).time = time;
  }
  return out;
}

export function isoToUtc(iso: string): number {
  const [y, m, d] = iso.split('-').map(Number);
  return Date.UTC(y!, m! - 1, d!);
}

export function yearsBetween(olderIso: string, newerIso: string): number {
  return (isoToUtc(newerIso) - isoToUtc(olderIso)) / (365.25 * 86400_000);
}

/** Normalise a user-typed date (any supported format) to ISO, or null. */
export function parseDateInput(value: string): string | null {
  const t = value.trim();
  const found = findDates(t);
  return found.length === 1 && found[0]!.start === 0 && found[0]!.end === t.length ? found[0]!.iso : null;
}
