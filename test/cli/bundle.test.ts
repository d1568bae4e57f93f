import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseAst } from 'rolldown/parseAst';
import { REPO_ROOT } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/library.js';
import { CUTS_EXPECTED, sceneMedia } from '../helpers/scenes.js';

// The CLI bundle (scripts/bundle-cli.mjs): what bin/framewise.js starts when it is current.
const bundleDir = path.join(REPO_ROOT, 'dist', 'cli');
const bundle = path.join(bundleDir, 'main.js');
const coreStamp = path.join(REPO_ROOT, 'dist', '.tsbuild', 'core.tsbuildinfo');

test('the build leaves a current CLI bundle that loads no compiled core module and no bundled package from disk', () => {
  assert.ok(statSync(bundle).mtimeMs >= statSync(coreStamp).mtimeMs, 'bin/framewise.js uses the bundle after `npm test`’s build');
  const external = new Set(['better-sqlite3', 'onnxruntime-node', 'onnx-proto', 'ws', ...builtinModules]);
  const externalPrefixes = [
    'node:',
    'pino',
    'thread-stream',
    'tesseract.js',
    '@tesseract.js-data/',
    '@ffmpeg-installer/',
    '@ffprobe-installer/',
    '@gutenye/',
    '@jjhbw/',
  ];
  const chunks = readdirSync(bundleDir).filter((f) => f.endsWith('.js'));
  for (const chunk of chunks) {
    const specifiers: string[] = [];
    // A real parse (rolldown's): the bundled packages' comments show `import … from '…'` examples.
    const visit = (node: unknown): void => {
      if (!node || typeof node !== 'object') return;
      if (Array.isArray(node)) return node.forEach(visit);
      const n = node as { type?: string; source?: { value?: unknown } };
      if (
        (n.type === 'ImportDeclaration' ||
          n.type === 'ExportNamedDeclaration' ||
          n.type === 'ExportAllDeclaration' ||
          n.type === 'ImportExpression') &&
        typeof n.source?.value === 'string'
      )
        specifiers.push(n.source.value);
      for (const v of Object.values(n)) if (v && typeof v === 'object') visit(v);
    };
    visit(parseAst(readFileSync(path.join(bundleDir, chunk), 'utf8')));
    assert.ok(chunk !== 'main.js' || specifiers.length > 0, 'the specifier scan sees the entry’s imports');
    for (const s of specifiers) {
      if (s.startsWith('./')) assert.ok(chunks.includes(s.slice(2)), `${chunk}: ${s} is one of the bundle's own chunks`);
      else assert.ok(external.has(s) || externalPrefixes.some((p) => s.startsWith(p)), `${chunk} imports ${s} from disk`);
    }
  }
});

test('the bundle itself runs commands that start worker threads (hashing on import, the frame FIFO of scene detection)', async (t) => {
  const lib = tempDir('framewise-cli-bundle-');
  t.after(() => lib.cleanup());
  const video = await sceneMedia.cuts();
  // The bundle's own entry, not bin/framewise.js, so this cannot pass on the unbundled modules.
  const runner = path.join(lib.dir, 'run-bundle.mjs');
  writeFileSync(
    runner,
    `const { main } = await import(${JSON.stringify(pathToFileURL(bundle).href)});\nprocess.exitCode = await main(process.argv.slice(2));\n`,
  );
  const child = spawn(process.execPath, [runner, '--data-dir', path.join(lib.dir, 'library'), 'scenes', video, '--json'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 0, stderr);
  const result = JSON.parse(stdout) as { scenes: Array<{ startFrame: number }> };
  assert.deepEqual(
    result.scenes.map((s) => s.startFrame),
    CUTS_EXPECTED,
  );
});
