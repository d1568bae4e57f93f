/**
 * One benchmark module in a process of its own (started by run.ts): a module's leftovers — worker threads,
 * caches, a fragmented heap, CPU seconds already counted — must not change the next module's figures, so the
 * table does not depend on the order modules run in. Usage: `node run-module.js <name> <rows.json>`.
 */
import { writeFileSync } from 'node:fs';
import { benchModules } from './modules.js';
import { formatValue, withMargin, type BenchRow } from './types.js';

const [name, out] = process.argv.slice(2);
const m = benchModules.find((x) => x.name === name);
if (!m || !out) {
  process.stderr.write(`usage: run-module.js <${benchModules.map((x) => x.name).join('|')}> <rows.json>\n`);
  process.exit(2);
}
let rows: BenchRow[];
try {
  rows = await m.run();
  for (const row of rows)
    process.stdout.write(
      `  ${row.metric}: ${formatValue(row)}${row.target ? ` (target ${row.target}: ${row.pass ? (withMargin(row) ? 'ok, 10 % margin' : 'ok, no 10 % margin') : 'MISSED'})` : ''}\n`,
    );
} catch (err) {
  rows = [{ area: m.name, metric: 'error', value: NaN, unit: '', notes: (err as Error).message }];
  process.stdout.write(`  error: ${(err as Error).message}\n`);
}
writeFileSync(out, JSON.stringify(rows));
// A module that leaves a handle open (a worker, a server) must not keep the bench waiting.
process.exit(0);
