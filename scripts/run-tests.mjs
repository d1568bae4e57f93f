#!/usr/bin/env node
// `npm test` [-- <files or folders>]: bring the build up to date (tsc -b is incremental; the renderer is rebuilt
// only when renderer/ or core/ changed since dist/renderer), then run the compiled tests (dist/test/**/*.test.js)
// with node's test runner and print one closing line "N passed, N failed[, N skipped]".
// `npm run test:only -- test/cli` (or --no-build) skips the build: one suite, no rebuild.
// FRAMEWISE_TEST_SUMMARY_LABEL="x" prints "x: N passed, N failed" instead (.ci/run sums several passes).
// Files start slowest first (longest-processing-time order), so that at concurrency 2 the run does not end with
// one long file running alone: durations come from this tree's last runs (dist/test-durations.json, written by
// scripts/test-durations-reporter.mjs after every run) over the committed seed (test/durations.json, seconds
// measured on the shared 2-core machine; refresh it from dist/test-durations.json after a full run).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const distTest = path.join(root, 'dist', 'test');
const noBuild = process.argv.includes('--no-build');
const args = process.argv.slice(2).filter((a) => a !== '--no-build');
const label = process.env.FRAMEWISE_TEST_SUMMARY_LABEL ?? '';
const tapFile = path.join(root, 'dist', `test-results${label ? `-${label.replace(/[^a-z0-9]+/gi, '-')}` : ''}.tap`);

function newestMtime(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

function build() {
  const require = createRequire(path.join(root, 'package.json'));
  const step = (argv) => {
    const r = spawnSync(process.execPath, argv, { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) {
      console.log('\n0 passed, 1 failed');
      process.exit(r.status ?? 1);
    }
  };
  step([path.join(root, 'scripts', 'tsc.mjs'), '-b']); // TypeScript 7 (scripts/tsc.mjs)
  step([path.join(root, 'scripts', 'bundle-cli.mjs'), '--if-stale']); // the CLI the tests start (scripts/bundle-cli.mjs)
  const built = path.join(root, 'dist', 'renderer', 'index.html');
  const stale =
    !existsSync(built) ||
    Math.max(newestMtime(path.join(root, 'renderer')), newestMtime(path.join(root, 'core'))) > statSync(built).mtimeMs;
  if (stale)
    step([
      path.join(path.dirname(require.resolve('vite/package.json')), 'bin', 'vite.js'),
      'build',
      '--config',
      'renderer/vite.config.ts',
      '--logLevel',
      'warn',
    ]);
}

if (!noBuild) build();

function collect(p, out) {
  const st = statSync(p);
  if (st.isDirectory()) for (const e of readdirSync(p).sort()) collect(path.join(p, e), out);
  else if (p.endsWith('.test.js')) out.push(p);
  return out;
}

const found = args.length
  ? args.flatMap((a) => collect(path.resolve(a.replace(/^test\//, 'dist/test/').replace(/\.ts$/, '.js')), []))
  : collect(distTest, []);
if (!found.length) {
  console.error('No test files found. Run `npm run build` first.');
  process.exit(1);
}

const durationsFile = path.join(root, 'dist', 'test-durations.json');
const readJson = (file) => {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return {};
  }
};
const durations = { ...readJson(path.join(root, 'test', 'durations.json')), ...readJson(durationsFile) };
const keyOf = (file) =>
  path
    .relative(root, file)
    .replace(/^dist\//, '')
    .replace(/\.js$/, '.ts');
// A file never timed counts as a typical one (30 s), not as the quickest: a new slow file is not left to the end.
const typical = 30;
const expected = (file) => (typeof durations[keyOf(file)] === 'number' ? durations[keyOf(file)] : typical);
const targets = [...found].sort((a, b) => expected(b) - expected(a));
const lastRun = path.join(root, 'dist', `test-durations-last${label ? `-${label.replace(/[^a-z0-9]+/gi, '-')}` : ''}.json`);

const child = spawn(
  process.execPath,
  [path.join(root, 'scripts', 'run-tests-ordered.mjs'), tapFile, String(process.env.FRAMEWISE_TEST_CONCURRENCY ?? 2), ...targets],
  { stdio: 'inherit', env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? '0', FRAMEWISE_TEST_DURATIONS_FILE: lastRun } },
);
child.on('close', async (code) => {
  // Remember this run's durations (files it did not run keep theirs).
  const measured = readJson(lastRun);
  if (Object.keys(measured).length)
    writeFileSync(durationsFile, `${JSON.stringify({ ...readJson(durationsFile), ...measured }, null, 1)}\n`);
  let passed = 0,
    failed = 0,
    skipped = 0;
  try {
    const tap = readFileSync(tapFile, 'utf8');
    const num = (k) => Number((new RegExp(`^# ${k} (\\d+)`, 'm').exec(tap) ?? [])[1] ?? 0);
    passed = num('pass');
    failed = num('fail') + num('cancelled');
    skipped = num('skipped') + num('todo');
    passed -= 0;
  } catch {
    failed = Math.max(1, failed);
  }
  if (code !== 0 && failed === 0) failed = 1;
  console.log(`\n${label ? `${label}: ` : ''}${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  process.exit(code ?? 1);
});
