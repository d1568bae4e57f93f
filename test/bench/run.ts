/**
 * `npm run bench`: runs every benchmark module one after another, each in a fresh process (run-module.ts), and
 * writes a table of the measured ratios to bench-results/bench.md and bench-results/bench.json. Modules are listed in `modules.ts`.
 * Pass names to run a subset: `npm run bench -- import predict`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from '../helpers/fixtures.js';
import { benchModules } from './modules.js';
import { formatValue, withMargin, type BenchRow } from './types.js';

function formatSeconds(s: number): string {
  return s >= 60 ? `${Math.floor(s / 60)} min ${Math.round(s % 60)} s` : `${s.toFixed(1)} s`;
}

const only = process.argv.slice(2);
const rows: BenchRow[] = [];
/** Wall time of each module (seconds), so a developer can plan a full run (and see which module a slow run lost time in). */
const durations: Array<{ name: string; seconds: number; load: string }> = [];
const loadAvg = () => (os.loadavg()[0] ?? 0).toFixed(1);
const started = process.hrtime.bigint();
const here = path.dirname(fileURLToPath(import.meta.url));

async function runModuleInItsOwnProcess(name: string): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'framewise-bench-rows-'));
  const out = path.join(dir, 'rows.json');
  try {
    const child = spawn(process.execPath, [path.join(here, 'run-module.js'), name, out], { stdio: 'inherit' });
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    try {
      // JSON has no NaN: an error row's value comes back as null.
      return (JSON.parse(readFileSync(out, 'utf8')) as BenchRow[]).map((r) => ({ ...r, value: r.value ?? NaN }));
    } catch {
      return [{ area: name, metric: 'error', value: NaN, unit: '', notes: `the module's process ended with code ${code} and no result` }];
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
for (const m of benchModules) {
  if (only.length && !only.includes(m.name)) continue;
  process.stdout.write(`bench ${m.name} … (${new Date().toISOString()}, load average ${loadAvg()})\n`);
  const t0 = process.hrtime.bigint();
  const r = await runModuleInItsOwnProcess(m.name);
  rows.push(...r);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  durations.push({ name: m.name, seconds, load: loadAvg() });
  process.stdout.write(`  (${m.name} took ${seconds.toFixed(1)} s; load average ${loadAvg()})\n`);
}
const totalSeconds = Number(process.hrtime.bigint() - started) / 1e9;
const outDir = path.join(REPO_ROOT, 'bench-results');
mkdirSync(outDir, { recursive: true });
const md = [
  `# Framewise benchmark (${new Date().toISOString()})`,
  '',
  `Machine: ${process.platform} ${process.arch}, ${os.cpus().length} cores, node ${process.version}`,
  '',
  '"10 % margin": ≤ target ÷ 1.1 or ≥ target × 1.1; for the very same ffmpeg work plus Framewise’s against that work alone (a conversion, the anonymize render), 10 % of the allowed overhead (≤ 1.045 for ≤ 1.05, ≤ 1.135 for ≤ 1.15); for a share of a perfect score (accuracy, recall, F1), 10 % of the allowed shortfall (≥ 0.955 for ≥ 0.95).',
  '',
  '| area | metric | value | target | ok | 10 % margin | notes |',
  '|---|---|---|---|---|---|---|',
  ...rows.map((r) => {
    const yesNo = (b: boolean | undefined) => (b === undefined ? '' : b ? 'yes' : 'no');
    return `| ${r.area} | ${r.metric} | ${formatValue(r)} | ${r.target ?? ''} | ${yesNo(r.pass)} | ${yesNo(r.target ? withMargin(r) : undefined)} | ${r.notes ?? ''} |`;
  }),
  '',
  `Module wall times (total ${formatSeconds(totalSeconds)}):`,
  '',
  '| module | wall time | load average after |',
  '|---|---|---|',
  ...durations.map((d) => `| ${d.name} | ${formatSeconds(d.seconds)} | ${d.load} |`),
  '',
].join('\n');
writeFileSync(path.join(outDir, 'bench.md'), md);
writeFileSync(
  path.join(outDir, 'bench.json'),
  JSON.stringify({ at: new Date().toISOString(), totalSeconds, modules: durations, rows }, null, 2),
);
process.stdout.write(`\n${md}\nWritten to ${path.relative(process.cwd(), outDir)}/bench.md and bench.json\n`);
