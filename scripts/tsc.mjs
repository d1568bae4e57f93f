#!/usr/bin/env node
// The compiler for builds and type checks: TypeScript 7 (the native port, installed as the `typescript7` alias),
// which emits the same JavaScript as TypeScript 5.9 at about a third of the CPU time (a cold `tsc -b` of core,
// electron and tests: 20 instead of 67 CPU-s) — it is most of what `npm ci` spends building. TypeScript 5.9 stays
// installed as `typescript` because typescript-eslint parses with its JavaScript API, which TypeScript 7 does not
// ship. Usage: `node scripts/tsc.mjs <tsc arguments>` (e.g. `-b`, `-p renderer/tsconfig.json --noEmit`).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// typescript7's package exports do not include bin/tsc: resolve its folder through package.json.
const tsc = path.join(path.dirname(createRequire(path.join(root, 'package.json')).resolve('typescript7/package.json')), 'bin', 'tsc');
const r = spawnSync(process.execPath, [tsc, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
