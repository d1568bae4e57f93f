#!/usr/bin/env node
// Runs every compiled test file (dist/test/**/*.test.js) with node's test runner and prints one closing
// line "N passed, N failed[, N skipped]". Pass file or folder names to run a subset.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const distTest = path.join(root, 'dist', 'test');
const args = process.argv.slice(2);

function collect(p, out) {
  const st = statSync(p);
  if (st.isDirectory()) for (const e of readdirSync(p).sort()) collect(path.join(p, e), out);
  else if (p.endsWith('.test.js')) out.push(p);
  return out;
}

const targets = args.length
  ? args.flatMap((a) => collect(path.resolve(a.replace(/^test\//, 'dist/test/').replace(/\.ts$/, '.js')), []))
  : collect(distTest, []);
if (!targets.length) {
  console.error('No test files found. Run `npm run build` first.');
  process.exit(1);
}

const child = spawn(
  process.execPath,
  [
    '--test',
    '--test-reporter=spec',
    '--test-reporter=tap',
    '--test-reporter-destination=stdout',
    `--test-reporter-destination=${path.join(root, 'dist', 'test-results.tap')}`,
    `--test-concurrency=${process.env.FRAMEWISE_TEST_CONCURRENCY ?? 2}`,
    ...targets,
  ],
  { stdio: 'inherit', env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? '0' } },
);
child.on('close', async (code) => {
  const { readFileSync } = await import('node:fs');
  let passed = 0,
    failed = 0,
    skipped = 0;
  try {
    const tap = readFileSync(path.join(root, 'dist', 'test-results.tap'), 'utf8');
    const num = (k) => Number((new RegExp(`^# ${k} (\\d+)`, 'm').exec(tap) ?? [])[1] ?? 0);
    passed = num('pass');
    failed = num('fail') + num('cancelled');
    skipped = num('skipped') + num('todo');
    passed -= 0;
  } catch {
    failed = Math.max(1, failed);
  }
  if (code !== 0 && failed === 0) failed = 1;
  console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  process.exit(code ?? 1);
});
