import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/library.js';
import { endoscopyVideo } from './endoscopy-media.js';

test('cli anonymize: usage errors exit 2', async () => {
  const lib = tempDir();
  try {
    const noOut = await runCli(['--data-dir', lib.dir, 'anonymize', 'x.mp4']);
    assert.equal(noOut.code, 2);
    assert.match(noOut.stderr, /needs -o/);
    const badOutside = await runCli(['--data-dir', lib.dir, 'anonymize', 'x.mp4', '-o', lib.dir, '--outside', 'blur']);
    assert.equal(badOutside.code, 2);
    assert.match(badOutside.stderr, /--outside must be cut or black/);
  } finally {
    lib.cleanup();
  }
});

test('cli anonymize: a path not in the library is imported; with nothing known to mask it is refused (exit 1, no file)', async () => {
  const file = await endoscopyVideo();
  const lib = tempDir();
  const out = tempDir('framewise-anon-cli-');
  try {
    const r = await runCli(['--data-dir', lib.dir, 'anonymize', file, '-o', out.dir, '--json'], { timeoutMs: 300_000 });
    assert.equal(r.code, 1, r.stderr);
    const doc = JSON.parse(r.stdout) as {
      results: Array<{ status: string; videoId: number; error?: { message: string } }>;
      verified: number;
    };
    assert.equal(doc.verified, 0);
    assert.equal(doc.results[0]?.status, 'refused');
    assert.ok(doc.results[0]?.videoId, 'the file was imported');
    assert.deepEqual(readdirSync(out.dir), []);
  } finally {
    out.cleanup();
    lib.cleanup();
  }
});
