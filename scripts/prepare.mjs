#!/usr/bin/env node
// Runs at `npm ci` / `npm install`: compile the TypeScript (core, electron, tests) and build the renderer, so
// `npx framewise …`, `npm run serve` and `npm test` work right after install. Offline-safe: no downloads.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
if (!existsSync('node_modules/typescript')) {
  // Production install without dev dependencies (e.g. inside a packaged app): nothing to build.
  process.exit(0);
}
run(process.execPath, ['scripts/tsc.mjs', '-b']); // TypeScript 7: see scripts/tsc.mjs
run(process.execPath, ['scripts/bundle-cli.mjs']); // the CLI in a few files: see scripts/bundle-cli.mjs
if (existsSync('renderer/vite.config.ts')) run('npx', ['vite', 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn']);
