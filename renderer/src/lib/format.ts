import { formatBytes as formatBytesLocale, formatDateTime, formatNumber, formatRelative } from '../i18n/format.js';

/** Formatting of numbers for display (locale-aware where it matters). */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  const s = Math.floor(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(sec)}` : `${m}:${pad(sec)}`;
}

/** h:mm:ss.mmm for the player (exact to the millisecond). */
export function formatTimecode(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) seconds = 0;
  const ms = Math.floor(seconds * 1000 + 1e-6);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const rest = ms % 1000;
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${h}:${pad(m)}:${pad(s)}.${pad(rest, 3)}`;
}

export function formatBytes(bytes: number): string {
  return formatBytesLocale(bytes);
}

export function formatFps(fps: { num: number; den: number; value: number } | null): string {
  if (!fps) return '–';
  const v = fps.value;
  return `${formatNumber(v, { maximumFractionDigits: 3 })} fps`;
}

export function formatEta(seconds: number | null): string | null {
  if (seconds === null || !Number.isFinite(seconds)) return null;
  const s = Math.max(1, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function formatPercent(fraction: number): string {
  return formatNumber(Math.floor(Math.max(0, Math.min(1, fraction)) * 100) / 100, { style: 'percent' });
}

export function formatDate(iso: string): string {
  return formatDateTime(iso);
}

export function fileName(p: string): string {
  return p.split(/[\\/]/).pop() || p;
}

/** "just now", "5 min ago", "3 h ago", else the date (in the current language). */
export function formatAgo(iso: string | null, now = Date.now()): string {
  return formatRelative(iso, now);
}
