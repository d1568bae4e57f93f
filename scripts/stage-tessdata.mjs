#!/usr/bin/env node
// `npm run dist` step: copy the Tesseract Latin-script model OCR uses (packaging/tessdata.json) into build/tessdata/,
// checked against its pinned sha256, with a licence note; electron-builder copies that folder to the app's
// resources/tessdata/, which the core looks in first after FRAMEWISE_TESSDATA_DIR (core/ocr/models.ts).
// The model comes from where this machine has it (FRAMEWISE_TESSDATA_DIR or the Debian package
// tesseract-ocr-script-latn); nothing is downloaded.
//   node scripts/stage-tessdata.mjs [--out DIR]
// Needs `npm run build` first (it uses the compiled model search of core/ocr/models.ts).
import { createHash } from 'node:crypto';
import { copyFileSync, createReadStream, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const outArg = argv.indexOf('--out');
const out = outArg >= 0 ? path.resolve(argv[outArg + 1]) : path.join(root, 'build', 'tessdata');
const pin = JSON.parse(readFileSync(path.join(root, 'packaging', 'tessdata.json'), 'utf8'));

function fail(message) {
  console.error(`stage-tessdata: ${message}`);
  process.exit(1);
}

async function sha256(file) {
  const h = createHash('sha256');
  await pipeline(createReadStream(file), h);
  return h.digest('hex');
}

const { latinModelCandidates } = await import(pathToFileURL(path.join(root, 'dist', 'core', 'ocr', 'models.js')).href);
// Only the machine's own copies: the packaged-resources folder is what this step fills.
const source = latinModelCandidates(process.env, null).find((f) => existsSync(f));
if (!source) fail(`${pin.file} not found (install tesseract-ocr-script-latn or set FRAMEWISE_TESSDATA_DIR)`);
const digest = await sha256(source);
if (digest !== pin.sha256) fail(`${source} has sha256 ${digest}, packaging/tessdata.json pins ${pin.sha256}`);
mkdirSync(out, { recursive: true });
const target = path.join(out, pin.file);
copyFileSync(source, `${target}.partial`);
renameSync(`${target}.partial`, target);
writeFileSync(
  path.join(out, 'LICENSE.txt'),
  `${pin.file}: ${pin.source}.\nLicence: ${pin.licence} (https://www.apache.org/licenses/LICENSE-2.0).\nsha256: ${pin.sha256}\n`,
);
console.log(`stage-tessdata: ${pin.file} (sha256 checked) → ${path.relative(root, out) || out}`);
