import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import semver from 'semver';
import { REPO_ROOT } from '../helpers/fixtures.js';

interface LockEntry {
  version?: string;
  optional?: boolean;
  engines?: { node?: string } | string[];
}
const readJson = <T>(rel: string): T => JSON.parse(readFileSync(path.join(REPO_ROOT, rel), 'utf8')) as T;

test('every package npm ci installs supports the Node the project declares (no EBADENGINE on Node 20)', () => {
  const declared = readJson<{ engines: { node: string } }>('package.json').engines.node;
  const oldest = semver.minVersion(declared);
  assert.ok(oldest && oldest.major === 20, `the root install promises Node 20 (${declared})`);
  const lock = readJson<{ packages: Record<string, LockEntry> }>('package-lock.json');
  const refusing = Object.entries(lock.packages)
    .filter(([name, p]) => name && !p.optional) // npm skips optional packages silently when their engines do not match
    .flatMap(([name, p]) => {
      const range = Array.isArray(p.engines) ? undefined : p.engines?.node;
      return range && !semver.satisfies(oldest!, range) ? [`${name.replace(/^.*node_modules\//, '')}@${p.version}: node ${range}`] : [];
    });
  assert.deepEqual(refusing, [], 'these would print EBADENGINE; Node ≥ 22 tooling belongs in desktop/');
});

test('.npmrc holds only keys npm knows (no "Unknown project config" on every command)', () => {
  const r = spawnSync('npm', ['config', 'list'], { cwd: REPO_ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /Unknown (project|user|builtin|env) config/);
  assert.doesNotMatch(readFileSync(path.join(REPO_ROOT, '.npmrc'), 'utf8'), /^\s*onnxruntime_node_install/m);
  // onnxruntime-node's postinstall (a CUDA download from NuGet on linux-x64) never runs: allowScripts denies it.
  const pkg = readJson<{ allowScripts: Record<string, boolean> }>('package.json');
  assert.equal(pkg.allowScripts['onnxruntime-node'], false);
});
