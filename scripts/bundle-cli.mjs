#!/usr/bin/env node
// Bundles the compiled CLI (dist/core/cli/main.js and everything it imports, kysely and zod included) into
// dist/cli/: a command then loads a few files instead of ~700 (`framewise list` 1.6 → 0.7 CPU-s; the CLI is what
// every command, `serve` and the tests start). Native and file-locating packages stay external. Each bundled
// module keeps its own `import.meta.url` (rewritten to its dist/core location), so worker threads, createRequire
// and appRoot() resolve exactly as unbundled. `node scripts/bundle-cli.mjs [--if-stale]`: --if-stale skips the
// build when dist/cli is newer than the last core compile (dist/.tsbuild/core.tsbuildinfo).
import { existsSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'dist', 'cli');
const entry = path.join(root, 'dist', 'core', 'cli', 'main.js');
const stamp = path.join(root, 'dist', '.tsbuild', 'core.tsbuildinfo');
const bundled = path.join(outDir, 'main.js');

if (process.argv.includes('--if-stale') && existsSync(bundled) && existsSync(stamp) && statSync(bundled).mtimeMs >= statSync(stamp).mtimeMs)
  process.exit(0);

const { build } = await import('rolldown');
// Chunk names carry content hashes: start empty so no chunk of an older build is left beside the new ones.
rmSync(outDir, { recursive: true, force: true });
const distCore = path.join(root, 'dist', 'core') + path.sep;
/** Replace `import.meta.url` in each dist/core module by that module's own URL, relative to the bundle. */
const ownModuleUrl = {
  name: 'framewise-own-module-url',
  transform(code, id) {
    if (!id.startsWith(distCore) || !code.includes('import.meta.url')) return null;
    const rel = path.relative(outDir, id).split(path.sep).join('/');
    return { code: code.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, import.meta.url).href`), map: null };
  },
};
await build({
  input: entry,
  platform: 'node',
  // Native addons, packages that locate their own files at run time (models, binaries, workers) and pino
  // (its transports start worker threads from their own files) are loaded from node_modules as usual.
  external: [
    /^node:/,
    'better-sqlite3',
    'onnxruntime-node',
    'onnx-proto',
    /^pino/,
    /^thread-stream/,
    /^tesseract\.js/,
    /^@tesseract\.js-data\//,
    /^@ffmpeg-installer\//,
    /^@ffprobe-installer\//,
    /^@gutenye\//,
    /^@jjhbw\//,
    'ws',
  ],
  plugins: [ownModuleUrl],
  output: { dir: outDir, format: 'esm', entryFileNames: 'main.js', chunkFileNames: '[name]-[hash].js', sourcemap: false },
  logLevel: 'warn',
});
