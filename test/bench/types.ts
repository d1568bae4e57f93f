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
