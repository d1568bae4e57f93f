import { currentLanguage } from './index.js';

/**
 * One Intl.NumberFormat per (language, options): building one costs far more than formatting with it (the
 * library grid formats sizes and frame rates for every card it mounts while scrolling).
 */
const numberFormats = new Map<string, Intl.NumberFormat>();
function numberFormat(options?: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${currentLanguage()}|${options ? JSON.stringify(options) : ''}`;
  let f = numberFormats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(currentLanguage(), options);
    numberFormats.set(key, f);
  }
  return f;
}

/** Dates, times and numbers in the user's language (Intl, so the CLDR conventions of each locale). */
export function formatNumber(n: number, options?: Intl.NumberFormatOptions): string {
  return Number.isFinite(n) ? numberFormat(options).format(n) : '–';
}

export function formatPercentValue(fraction: number, digits = 0): string {
  return formatNumber(fraction, { style: 'percent', maximumFractionDigits: digits });
}

/** "30.11.2026, 21:40" / "Nov 30, 2026, 9:40 PM". */
export function formatDateTime(iso: string | number | Date): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? String(iso)
    : new Intl.DateTimeFormat(currentLanguage(), { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

/** A calendar date (YYYY-MM-DD, no time zone) in the locale's order: "07.09.1951" / "Sep 7, 1951". */
export function formatCalendarDate(isoDate: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!m) return isoDate;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return new Intl.DateTimeFormat(currentLanguage(), { dateStyle: 'medium', timeZone: 'UTC' }).format(d);
}

export function formatTimeOfDay(iso: string | number | Date): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : new Intl.DateTimeFormat(currentLanguage(), { timeStyle: 'short' }).format(d);
}

/** "5 minutes ago" / "vor 5 Minuten"; "just now" under 45 s; the date after a day. */
export function formatRelative(iso: string | null, now = Date.now()): string {
  if (!iso) return '';
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return '';
  const s = Math.max(0, Math.round((now - t) / 1000));
  const rtf = new Intl.RelativeTimeFormat(currentLanguage(), { numeric: 'auto' });
  if (s < 45) return rtf.format(0, 'second');
  if (s < 3600) return rtf.format(-Math.max(1, Math.round(s / 60)), 'minute');
  if (s < 86400) return rtf.format(-Math.round(s / 3600), 'hour');
  return formatDateTime(iso);
}

/** "12.3 MB" / "12,3 MB" (decimal units, as file managers show them). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '–';
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return formatNumber(v, {
    style: 'unit',
    unit: units[i],
    unitDisplay: 'short',
    maximumFractionDigits: i === 0 ? 0 : v < 10 ? 1 : 0,
  });
}
