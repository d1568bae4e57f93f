/**
 * `npm run bench`: runs every benchmark module in one process, one after another, and writes a table of the
 * measured ratios to bench-results/bench.md and bench-results/bench.json. Modules are listed in `modules.ts`.
 * Pass names to run a subset: `npm run bench -- import predict`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/fixtures.js';
import { benchModules } from './modules.js';
import { formatValue, type BenchRow } from './types.js';

const only = process.argv.slice(2);
const rows: BenchRow[] = [];
for (const m of benchModules) {
  if (only.length && !only.includes(m.name)) continue;
  process.stdout.write(`bench ${m.name} …\n`);
  try {
    const r = await m.run();
    rows.push(...r);
    for (const row of r)
      process.stdout.write(
        `  ${row.metric}: ${formatValue(row)}${row.target ? ` (target ${row.target}: ${row.pass ? 'ok' : 'MISSED'})` : ''}\n`,
      );
  } catch (err) {
    rows.push({ area: m.name, metric: 'error', value: NaN, unit: '', notes: (err as Error).message });
    process.stdout.write(`  error: ${(err as Error).message}\n`);
  }
}
const outDir = path.join(REPO_ROOT, 'bench-results');
mkdirSync(outDir, { recursive: true });
const md = [
  `# Framewise benchmark (${new Date().toISOString()})`,
  '',
  `Machine: ${process.platform} ${process.arch}, ${(await import('node:os')).cpus().length} cores, node ${process.version}`,
  '',
  '| area | metric | value | target | ok | notes |',
  '|---|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.area} | ${r.metric} | ${formatValue(r)} | ${r.target ?? ''} | ${r.pass === undefined ? '' : r.pass ? 'yes' : 'no'} | ${r.notes ?? ''} |`,
  ),
  '',
].join('\n');
writeFileSync(path.join(outDir, 'bench.md'), md);
writeFileSync(path.join(outDir, 'bench.json'), JSON.stringify({ at: new Date().toISOString(), rows }, null, 2));
process.stdout.write(`\n${md}\nWritten to ${path.relative(process.cwd(), outDir)}/bench.md and bench.json\n`);
