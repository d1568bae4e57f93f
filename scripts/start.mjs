#!/usr/bin/env node
// `npm start`: check the Node version, install the desktop tooling (desktop/: Electron, electron-builder,
// @electron/rebuild, @electron/fuses; they need Node >= 22.12) on first use, build, make sure the Electron binary
// is there, rebuild better-sqlite3 for Electron's ABI into a SEPARATE folder (.electron-native/, so node_modules
// keeps the Node build the CLI and tests use), and launch the app with FRAMEWISE_SQLITE_BINDING pointing at it.
// `npm run dist` (--package): the same checks, fetch and verify ffmpeg (scripts/fetch-ffmpeg.mjs), stage the OCR model
// (scripts/stage-tessdata.mjs), package with
// electron-builder (electron-builder.yml, fuses included), verify the fuses of the packaged binary with
// @electron/fuses, then restore the Node build of better-sqlite3.
// Needs internet the first time (desktop tooling, Electron binary and headers); `npm ci` itself stays offline-safe.
import { spawnSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const desktop = path.join(root, 'desktop');
const require = createRequire(path.join(root, 'package.json'));
/** Resolves the desktop tooling (installed in desktop/node_modules, never in the root node_modules). */
const desktopRequire = createRequire(path.join(desktop, 'package.json'));
const args = new Set(process.argv.slice(2));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32', ...opts });
  if (r.status !== 0) {
    console.error(`\n${cmd} ${argv.join(' ')} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
}

/** Stop with one clear line when this Node is older than the desktop tooling needs (desktop/package.json). */
function checkNodeVersion() {
  const wanted = JSON.parse(readFileSync(path.join(desktop, 'package.json'), 'utf8')).engines.node; // ">=22.12"
  const [wMaj, wMin] = wanted
    .replace(/^>=\s*/, '')
    .split('.')
    .map(Number);
  const [maj, min] = process.versions.node.split('.').map(Number);
  if (maj > wMaj || (maj === wMaj && min >= wMin)) return;
  const what = args.has('--package') ? 'npm run dist' : 'npm start';
  console.error(
    `${what} needs Node ${wanted} (Electron and its tooling require it); this is Node ${process.versions.node}. Run \`nvm use\` (.nvmrc) — the CLI, \`npm run serve\` and \`npm test\` work on Node 20.`,
  );
  process.exit(1);
}

/** Install desktop/ (Electron + packaging tooling, pinned by desktop/package-lock.json) when missing or stale. */
function ensureDesktopTooling() {
  const installed = path.join(desktop, 'node_modules', '.package-lock.json');
  const lock = path.join(desktop, 'package-lock.json');
  if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(lock).mtimeMs) return;
  console.log('Installing the desktop tooling into desktop/node_modules (first start only)…');
  run(npm, ['ci', '--no-fund', '--no-audit'], { cwd: desktop, env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' } });
}

function electronVersion() {
  return JSON.parse(readFileSync(path.join(desktop, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
}

/** Download the Electron binary if `npm ci` skipped it (ELECTRON_SKIP_BINARY_DOWNLOAD keeps installs offline). */
function ensureElectronBinary() {
  const dist = path.join(desktop, 'node_modules', 'electron', 'dist');
  const pathFile = path.join(desktop, 'node_modules', 'electron', 'path.txt');
  if (existsSync(dist) && existsSync(pathFile)) return;
  console.log('Downloading the Electron binary (first start only)…');
  const env = { ...process.env };
  delete env.ELECTRON_SKIP_BINARY_DOWNLOAD;
  delete env.npm_config_electron_skip_binary_download;
  run(process.execPath, [path.join(desktop, 'node_modules', 'electron', 'install.js')], { env });
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
  const { rebuild } = await import(pathToFileURL(desktopRequire.resolve('@electron/rebuild')).href);
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

/** The Electron executables electron-builder left in release/ (linux-unpacked, win-unpacked, mac…/Framewise.app). */
function packagedExecutables() {
  const out = path.join(root, 'release');
  const found = [];
  for (const dir of existsSync(out) ? readdirSync(out) : []) {
    const full = path.join(out, dir);
    if (dir.endsWith('-unpacked')) {
      for (const name of ['framewise', 'Framewise.exe']) if (existsSync(path.join(full, name))) found.push(path.join(full, name));
    } else if (dir.startsWith('mac') && existsSync(full) && statSync(full).isDirectory()) {
      for (const app of readdirSync(full).filter((n) => n.endsWith('.app'))) found.push(path.join(full, app));
    }
  }
  return found;
}

/** Read the fuses of each packaged binary with @electron/fuses and compare them with electron/packaging.ts. */
async function verifyFuses() {
  const { REQUIRED_FUSES } = await import(pathToFileURL(path.join(root, 'dist', 'electron', 'packaging.js')).href);
  const { getCurrentFuseWire, FuseV1Options, FuseState } = await import(pathToFileURL(desktopRequire.resolve('@electron/fuses')).href);
  const executables = packagedExecutables();
  if (!executables.length) throw new Error('no packaged Electron executable found in release/ to check its fuses');
  for (const exe of executables) {
    const wire = await getCurrentFuseWire(exe);
    for (const [name, wanted] of Object.entries(REQUIRED_FUSES)) {
      const option = FuseV1Options[name[0].toUpperCase() + name.slice(1)];
      const state = wire[option];
      if (state !== (wanted ? FuseState.ENABLE : FuseState.DISABLE))
        throw new Error(`${exe}: fuse ${name} is not ${wanted ? 'on' : 'off'}`);
    }
    console.log(`Fuses verified: ${exe}`);
  }
}

async function main() {
  checkNodeVersion();
  ensureDesktopTooling();
  if (!args.has('--no-build')) {
    run(npm, ['run', 'build']);
    run(process.execPath, [path.join(root, 'scripts', 'tsc.mjs'), '-b', 'electron/tsconfig.app.json']);
  }
  if (args.has('--package')) {
    const env = { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' };
    run(process.execPath, [path.join(root, 'scripts', 'fetch-ffmpeg.mjs')]);
    run(process.execPath, [path.join(root, 'scripts', 'stage-tessdata.mjs')]);
    try {
      run(
        process.execPath,
        [
          desktopRequire.resolve('electron-builder/cli.js'),
          '--projectDir',
          root,
          '--config',
          'electron-builder.yml',
          `-c.electronVersion=${electronVersion()}`,
          '--publish',
          'never',
        ],
        { env },
      );
      await verifyFuses();
    } finally {
      // electron-builder rebuilt better-sqlite3 in node_modules for Electron: give the CLI and tests theirs back.
      run(npm, ['rebuild', 'better-sqlite3'], { env });
    }
    return;
  }
  ensureElectronBinary();
  const binding = await ensureElectronSqlite();
  const electron = desktopRequire('electron'); // the path of the Electron executable
  const child = spawn(electron, [root], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, FRAMEWISE_SQLITE_BINDING: binding, ELECTRON_ENABLE_SECURITY_WARNINGS: 'true' },
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
}

main().catch((err) => {
  console.error(`${args.has('--package') ? 'npm run dist' : 'npm start'} failed: ${err.message}`);
  process.exit(1);
});
