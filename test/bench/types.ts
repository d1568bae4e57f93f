/** One measured ratio (or figure) in the benchmark table. */
export interface BenchRow {
  area: string;
  metric: string;
  /** The measured value (a ratio when `unit` is 'x'). */
  value: number;
  unit: string;
  /** e.g. '<= 1.25' or '>= 4'; omitted for plain reports. */
  target?: string;
  pass?: boolean;
  notes?: string;
  /** min–max of the ratio over the runs the bench made (each run's own ratio), so a noisy run is visible. */
  spread?: [number, number];
  /**
   * How the 10 % margin is judged (`withMargin`): 'target' (default) — ≤ target ÷ 1.1 or ≥ target × 1.1;
   * 'overhead' — a ratio of the very same work plus ours to the work alone (a conversion against plain ffmpeg
   * with the same arguments): 10 % of the allowed overhead, ≤ 1 + 0.9 × (target − 1); 'share' — a share of a perfect
   * score (accuracy, recall, F1: 1, or 100 with unit '%'), where × 1.1 would ask for more than perfect: 10 % of the
   * allowed shortfall, ≥ best − (best − target) ÷ 1.1.
   */
  margin?: 'target' | 'overhead' | 'share';
}

/**
 * Whether a row meets its target with the 10 % margin issue 18 asks for (see `BenchRow.margin`); undefined for a
 * row without a target or without a measured value.
 */
export function withMargin(r: BenchRow): boolean | undefined {
  const m = /^(<=|>=)\s*(-?[\d.]+)$/.exec(r.target?.trim() ?? '');
  if (!m || !Number.isFinite(r.value)) return undefined;
  const target = Number(m[2]);
  if (m[1] === '>=') {
    if (r.margin !== 'share') return r.value >= target * 1.1;
    const best = r.unit === '%' ? 100 : 1;
    return r.value >= best - (best - target) / 1.1;
  }
  const limit = r.margin === 'overhead' ? 1 + 0.9 * (target - 1) : target / 1.1;
  return r.value <= limit;
}

export interface BenchModule {
  name: string;
  run(): Promise<BenchRow[]>;
}

/** Wall-clock seconds of an async function. */
export async function time<T>(fn: () => Promise<T>): Promise<{ seconds: number; result: T }> {
  const t0 = process.hrtime.bigint();
  const result = await fn();
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, result };
}

export function ratioRow(
  area: string,
  metric: string,
  value: number,
  target?: { op: '<=' | '>='; value: number },
  notes?: string,
): BenchRow {
  const row: BenchRow = { area, metric, value: Math.round(value * 1000) / 1000, unit: 'x' };
  if (target) {
    row.target = `${target.op} ${target.value}`;
    row.pass = target.op === '<=' ? value <= target.value : value >= target.value;
  }
  if (notes) row.notes = notes;
  return row;
}

/** A row comparing the very same work plus Framewise's with the work alone: its margin is 10 % of the allowed overhead. */
export function asOverhead(r: BenchRow): BenchRow {
  return { ...r, margin: 'overhead' };
}

/** A share of a perfect score (accuracy, recall, F1) with a lower bound: its margin is judged on the shortfall. */
export function shareRow(area: string, metric: string, value: number, atLeast: number, notes?: string): BenchRow {
  return { ...ratioRow(area, metric, value, { op: '>=', value: atLeast }, notes), margin: 'share' };
}

/**
 * A ratio measured over several runs: the value is fastest ÷ fastest (the least disturbed runs on a shared
 * machine); the spread is the min–max of each run's own ratio (run i of the numerator ÷ run i of the
 * denominator, the two measured side by side).
 */
export function ratioOfRuns(
  area: string,
  metric: string,
  numerator: number[],
  denominator: number[],
  target?: { op: '<=' | '>='; value: number },
  notes?: string,
): BenchRow {
  const row = ratioRow(area, metric, Math.min(...numerator) / Math.min(...denominator), target, notes);
  const each = numerator.map((n, i) => n / denominator[Math.min(i, denominator.length - 1)]!);
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  row.spread = [r3(Math.min(...each)), r3(Math.max(...each))];
  return row;
}

/** "1.234×" or "1.234× (1.20–1.31)" when the row has a spread. */
export function formatValue(r: BenchRow): string {
  const v = Number.isFinite(r.value) ? `${r.value}${r.unit === 'x' ? '×' : ' ' + r.unit}` : 'n/a';
  return r.spread ? `${v} (runs ${r.spread[0]}–${r.spread[1]})` : v;
}

/** The middle value (the mean of the two middle ones for an even count): one outlier does not make the figure. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
