#!/usr/bin/env node
// `npm start`: build, make sure the Electron binary is there, rebuild better-sqlite3 for Electron's ABI into
// a SEPARATE folder (.electron-native/, so node_modules keeps the Node build the CLI and tests use), and
// launch the app with FRAMEWISE_SQLITE_BINDING pointing at that build (core/db/open.ts honours it).
// `npm run dist` (--package): build and package with electron-builder, then restore the Node build.
// Needs internet the first time (Electron binary, Electron headers); `npm ci` itself stays offline-safe.
import { spawnSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
const args = new Set(process.argv.slice(2));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32', ...opts });
  if (r.status !== 0) {
    console.error(`\n${cmd} ${argv.join(' ')} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
}

function electronVersion() {
  return JSON.parse(readFileSync(path.join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
}

/** Download the Electron binary if `npm ci` skipped it (ELECTRON_SKIP_BINARY_DOWNLOAD keeps installs offline). */
function ensureElectronBinary() {
  const dist = path.join(root, 'node_modules', 'electron', 'dist');
  const pathFile = path.join(root, 'node_modules', 'electron', 'path.txt');
  if (existsSync(dist) && existsSync(pathFile)) return;
  console.log('Downloading the Electron binary (first start only)…');
  const env = { ...process.env };
  delete env.ELECTRON_SKIP_BINARY_DOWNLOAD;
  delete env.npm_config_electron_skip_binary_download;
  run(process.execPath, [path.join(root, 'node_modules', 'electron', 'install.js')], { env });
}

/** better-sqlite3 built for Electron's ABI, in .electron-native/ (never touching node_modules). */
async function ensureElectronSqlite() {
  const version = electronVersion();
  const target = path.join(root, '.electron-native', `electron-${version}-${process.platform}-${process.arch}`);
  const binding = path.join(target, 'better_sqlite3.node');
  if (existsSync(binding)) return binding;
  console.log(`Building better-sqlite3 for Electron ${version} (first start only)…`);
  const work = path.join(root, '.electron-native', 'build');
  rmSync(work, { recursive: true, force: true });
  const pkgDir = path.dirname(require.resolve('better-sqlite3/package.json'));
  const modDir = path.join(work, 'node_modules', 'better-sqlite3');
  mkdirSync(path.dirname(modDir), { recursive: true });
  cpSync(pkgDir, modDir, {
    recursive: true,
    filter: (src) => !src.includes(`${path.sep}build${path.sep}`) && !src.endsWith(`${path.sep}build`),
  });
  writeFileSync(
    path.join(work, 'package.json'),
    JSON.stringify({ name: 'framewise-electron-native', version: '0.0.0', private: true, dependencies: { 'better-sqlite3': '*' } }),
  );
  const { rebuild } = await import('@electron/rebuild');
  await rebuild({
    buildPath: work,
    electronVersion: version,
    arch: process.arch,
    onlyModules: ['better-sqlite3'],
    force: true,
    mode: 'sequential',
  });
  const built = path.join(modDir, 'build', 'Release', 'better_sqlite3.node');
  if (!existsSync(built)) throw new Error(`the Electron build of better-sqlite3 was not produced at ${built}`);
  mkdirSync(target, { recursive: true });
  cpSync(built, binding);
  rmSync(work, { recursive: true, force: true });
  return binding;
}

async function main() {
  if (!args.has('--no-build')) run(npm, ['run', 'build']);
  if (args.has('--package')) {
    try {
      run(process.execPath, [require.resolve('electron-builder/cli.js'), '--config', 'electron-builder.yml', '--publish', 'never']);
    } finally {
      // electron-builder rebuilt better-sqlite3 in node_modules for Electron: give the CLI and tests theirs back.
      run(npm, ['rebuild', 'better-sqlite3']);
    }
    return;
  }
  ensureElectronBinary();
  const binding = await ensureElectronSqlite();
  const electron = require('electron'); // the path of the Electron executable
  const child = spawn(electron, [root], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, FRAMEWISE_SQLITE_BINDING: binding, ELECTRON_ENABLE_SECURITY_WARNINGS: 'true' },
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
}

main().catch((err) => {
  console.error(`npm start failed: ${err.message}`);
  process.exit(1);
});
