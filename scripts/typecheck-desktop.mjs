#!/usr/bin/env node
// `npm run typecheck` step: type-check the Electron shell files that use Electron's API (electron/tsconfig.app.json).
// Their types come from desktop/node_modules (installed by `npm start`); without it this says so and passes.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
if (!existsSync(path.join(root, 'desktop', 'node_modules', 'electron', 'electron.d.ts'))) {
  console.log('Electron shell (main, menu, preload, core process) not type-checked: desktop/ is not installed (npm start installs it).');
  process.exit(0);
}
const tsc = path.join(root, 'scripts', 'tsc.mjs'); // TypeScript 7, as the rest of the build
const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'electron', 'tsconfig.app.json'), '--noEmit'], { stdio: 'inherit' });
process.exit(r.status ?? 1);
