import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { appRoot } from '../../core/paths.js';

const run = promisify(execFile);
const root = appRoot();
const cruiser = path.join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

async function cruise(cwd: string, targets: string[]): Promise<{ code: number; out: string }> {
  try {
    const r = await run(process.execPath, [cruiser, '--config', '.dependency-cruiser.cjs', '--output-type', 'err', ...targets], {
      cwd,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, out: r.stdout };
  } catch (err) {
    const e = err as { code?: number; stdout?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, out: e.stdout ?? String(err) };
  }
}

test('the declared dependency order holds and there is no import cycle (type-only imports included)', async () => {
  const r = await cruise(root, ['core', 'electron', 'renderer/src']);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /no dependency violations found|\(0 errors, \d+ warnings?\)/);
  assert.doesNotMatch(r.out, /^\s*error /m);
});

test('the check fails on an arrow against the order and on a type-only cycle', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'framewise-deps-'));
  try {
    cpSync(path.join(root, 'core'), path.join(dir, 'core'), { recursive: true });
    cpSync(path.join(root, '.dependency-cruiser.cjs'), path.join(dir, '.dependency-cruiser.cjs'));
    cpSync(path.join(root, 'tsconfig.base.json'), path.join(dir, 'tsconfig.base.json'));
    writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}');
    // segments (below library) reaching up to library, and library ↔ segments as type-only imports.
    appendFileSync(
      path.join(dir, 'core/segments/store.ts'),
      "\nimport type { VideoRow } from '../library/videos.js';\nexport type Up = VideoRow;\n",
    );
    const r = await cruise(dir, ['core']);
    assert.notEqual(r.code, 0);
    assert.match(r.out, /order: capability segments: core\/segments\/store\.ts → core\/library\/videos\.ts/);
    assert.match(r.out, /no-cycle/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('core/capabilities.ts lists the capabilities in the declared dependency order', async () => {
  const { capabilities } = await import('../../core/capabilities.js');
  const config = readFileSync(path.join(root, '.dependency-cruiser.cjs'), 'utf8');
  const declared = [.../const capabilityOrder = \[([^\]]*)\]/.exec(config)![1]!.matchAll(/'([^']+)'/g)].map((m) => m[1]!);
  // settings and jobs come first (their own layer); every other capability is a layer of the declared order.
  const listed = capabilities.map((c) => c.name);
  assert.deepEqual(listed.slice(0, 2), ['settings', 'jobs']);
  for (const name of listed.slice(2)) assert.ok(declared.includes(name), `${name} is missing from capabilityOrder`);
  assert.deepEqual(
    listed.slice(2),
    declared.filter((d) => listed.includes(d)),
  );
});
