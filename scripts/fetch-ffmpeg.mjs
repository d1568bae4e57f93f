#!/usr/bin/env node
// `npm run dist` step: download the ffmpeg/ffprobe of packaging/ffmpeg-binaries.json for one target, verify each
// download against its pinned sha256, and put the two binaries in build/ffmpeg/<platform>-<arch>/ (electron-builder
// copies that folder to the app's resources/ffmpeg/, which the core prefers over everything but an explicit path).
//   node scripts/fetch-ffmpeg.mjs [--target linux-x64]      fetch + verify (refuses an unpinned download)
//   node scripts/fetch-ffmpeg.mjs --pin [--target …]         fetch once and record the checksums (review the diff!)
// Needs `npm run build` first (it uses the compiled config schema and version check).
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const configFile = path.join(root, 'packaging', 'ffmpeg-binaries.json');
const argv = process.argv.slice(2);
const pin = argv.includes('--pin');
const targetArg = argv.indexOf('--target');
const target = targetArg >= 0 ? argv[targetArg + 1] : `${process.platform}-${process.arch}`;

function fail(message) {
  console.error(`fetch-ffmpeg: ${message}`);
  process.exit(1);
}

const { ffmpegBinariesConfigSchema } = await import(pathToFileURL(path.join(root, 'dist', 'electron', 'packaging.js')).href);
const { parseVersionOutput } = await import(pathToFileURL(path.join(root, 'dist', 'core', 'ffmpeg', 'capabilities.js')).href);
const raw = JSON.parse(readFileSync(configFile, 'utf8'));
const parsed = ffmpegBinariesConfigSchema.safeParse(raw);
if (!parsed.success) fail(`${configFile} is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
const entry = parsed.data.targets[target];
if (!entry) fail(`no ffmpeg configured for ${target} in ${configFile}`);

const exe = target.startsWith('win32') ? '.exe' : '';
const outDir = path.join(root, 'build', 'ffmpeg', target);
const work = mkdtempSync(path.join(os.tmpdir(), 'framewise-ffmpeg-'));
try {
  for (const [i, archive] of entry.archives.entries()) {
    if (!archive.sha256 && !pin) fail(`${archive.url} has no pinned sha256; run with --pin once, review and commit the checksum`);
    const file = path.join(work, `archive-${i}${archive.url.slice(archive.url.lastIndexOf('.'))}`);
    console.log(`Downloading ${archive.url}`);
    const res = await fetch(archive.url, { redirect: 'follow' });
    if (!res.ok || !res.body) fail(`${archive.url}: HTTP ${res.status}`);
    const hash = createHash('sha256');
    await pipeline(
      Readable.fromWeb(res.body),
      async function* (chunks) {
        for await (const c of chunks) {
          hash.update(c);
          yield c;
        }
      },
      createWriteStream(file),
    );
    const actual = hash.digest('hex');
    if (pin) {
      raw.targets[target].archives[i].sha256 = actual;
      console.log(`  pinned sha256 ${actual}`);
    } else if (actual !== archive.sha256) fail(`${archive.url}: sha256 ${actual} does not match the pinned ${archive.sha256}`);
    const unpackDir = path.join(work, `unpacked-${i}`);
    mkdirSync(unpackDir);
    const unpack =
      file.endsWith('.zip') && process.platform !== 'win32'
        ? ['unzip', ['-q', file, '-d', unpackDir]]
        : ['tar', ['-xf', file, '-C', unpackDir]];
    const r = spawnSync(unpack[0], unpack[1], { stdio: 'inherit' });
    if (r.status !== 0) fail(`could not unpack ${file} with ${unpack[0]}`);
    mkdirSync(outDir, { recursive: true });
    for (const [tool, member] of Object.entries(archive.extract)) {
      const from = path.join(unpackDir, member);
      if (!existsSync(from)) fail(`${member} is not in ${archive.url}`);
      const to = path.join(outDir, tool + exe);
      copyFileSync(from, to);
      chmodSync(to, 0o755);
    }
  }
  if (pin) writeFileSync(configFile, JSON.stringify(raw, null, 2) + '\n');
  if (target === `${process.platform}-${process.arch}`) {
    for (const tool of ['ffmpeg', 'ffprobe']) {
      const r = spawnSync(path.join(outDir, tool + exe), ['-hide_banner', '-version'], { encoding: 'utf8' });
      if (r.status !== 0) fail(`${tool} from ${target} does not run: ${r.stderr || r.error?.message}`);
      const { version, release } = parseVersionOutput(r.stdout);
      if (!release || release[0] < 5 || (release[0] === 5 && release[1] < 1)) fail(`${tool} ${version} is older than 5.1`);
      console.log(`${tool} ${version} ready in ${outDir}`);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
