import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import { requireEnvironment } from './environment.js';

/** Repository root (dist/test/helpers → ../../..). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The shared fixtures folder: FRAMEWISE_FIXTURES, else ../shared/fixtures beside the repository. */
export function fixturesDir(): string {
  return path.resolve(process.env.FRAMEWISE_FIXTURES ?? path.join(REPO_ROOT, '..', 'shared', 'fixtures'));
}

/**
 * The folder of a peer fixture set (e.g. 'auto-editor'). Under CI the folder must exist (the test fails);
 * elsewhere a missing folder skips the test, naming the folder. Returns null when skipped.
 */
export function peerFixture(t: TestContext, name: string): string | null {
  const dir = path.join(fixturesDir(), 'peer', name);
  const reason = `peer fixtures not found: ${dir} (set FRAMEWISE_FIXTURES or place ../shared/fixtures beside the repository)`;
  return requireEnvironment(t, existsSync(dir), reason) ? dir : null;
}
