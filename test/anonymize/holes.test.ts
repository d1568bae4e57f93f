import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { localTessdataDir } from '../../core/ocr/recognize.js';
import { importAndWait, openTempCore, tempDir } from '../helpers/library.js';
import { runCli } from '../helpers/cli.js';
import { generated } from '../helpers/media.js';

/** Small holes of issue 10, item 8 (and the library files' permissions of item 4). */

test('a PNG renamed .mp4 is refused as a still image, not imported as a 0 s video', async () => {
  const png = await generated('still-frame.png', (out) => ['-f', 'lavfi', '-i', 'testsrc2=s=320x240:d=1', '-frames:v', '1', out]);
  const dir = tempDir('framewise-still-');
  const lib = await openTempCore();
  try {
    const fake = path.join(dir.dir, 'clip.mp4');
    copyFileSync(png, fake);
    const [job] = await importAndWait(lib.core, [fake]);
    assert.equal(job?.state, 'failed');
    assert.equal(job?.error?.code, 'not_media');
    assert.match(job?.error?.message ?? '', /still image/);
    const { videos } = await lib.core.call('videos.list', {});
    assert.equal(videos.length, 0);
  } finally {
    await lib.close();
    dir.cleanup();
  }
});

test('usage errors of `anonymize` come before any import: -o out.mkv, an output named after the original', async () => {
  const lib = tempDir();
  const src = tempDir('framewise-src-');
  try {
    const input = path.join(src.dir, 'Mueller_Juergen_1961.mp4');
    writeFileSync(input, 'not even a video');
    const mkv = await runCli(['--data-dir', lib.dir, 'anonymize', input, '-o', path.join(src.dir, 'out.mkv')]);
    assert.equal(mkv.code, 2, mkv.stderr);
    assert.match(mkv.stderr, /must be an \.mp4 file or a folder/);
    const named = await runCli(['--data-dir', lib.dir, 'anonymize', input, '-o', path.join(src.dir, 'Mueller_Juergen_1961-anon.mp4')]);
    assert.equal(named.code, 2, named.stderr);
    assert.match(named.stderr, /must not carry the original file name/);
    // Nothing was imported: the library holds no video (or was never created).
    const dbFile = path.join(lib.dir, 'library.sqlite');
    if (existsSync(dbFile)) {
      const db = new Database(dbFile, { readonly: true });
      assert.equal((db.prepare('SELECT COUNT(*) AS n FROM videos').get() as { n: number }).n, 0);
      assert.equal((db.prepare('SELECT COUNT(*) AS n FROM jobs').get() as { n: number }).n, 0);
      db.close();
    }
    assert.ok(!existsSync(path.join(src.dir, 'out.mkv')));
  } finally {
    lib.cleanup();
    src.cleanup();
  }
});

test('the Tesseract data folder is private: never the shared predictable path another user could prepare', async () => {
  // Nothing is written at the shared path (it may be a symlink left by an older version): only compared.
  const shared = path.join(os.tmpdir(), `framewise-tessdata-${process.getuid?.() ?? 0}`);
  const a = await localTessdataDir();
  const b = await localTessdataDir();
  const { rmSync, chmodSync } = await import('node:fs');
  const lib = tempDir();
  try {
    assert.notEqual(a.dir, shared);
    assert.notEqual(a.dir, b.dir, 'a fresh folder per engine');
    assert.ok(a.temporary);
    assert.equal(statSync(a.dir).mode & 0o777, 0o700);
    assert.ok(statSync(path.join(a.dir, 'eng.traineddata.gz')).size > 1000);
    // A library cache folder that is not private is refused.
    const open = path.join(lib.dir, 'cache');
    mkdirSync(open);
    chmodSync(open, 0o777);
    await assert.rejects(localTessdataDir(open), /not a private folder/);
  } finally {
    for (const d of [a.dir, b.dir]) rmSync(d, { recursive: true, force: true });
    lib.cleanup();
  }
});

test('library files: the folder is 0700, library.sqlite and its WAL are 0600, thumbnails 0600', async () => {
  const file = await generated('perm-clip.mp4', (out) => ['-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=25:d=2', '-pix_fmt', 'yuv420p', out]);
  const lib = await openTempCore();
  try {
    const [job] = await importAndWait(lib.core, [file]);
    assert.equal(job?.state, 'succeeded', JSON.stringify(job?.error));
    assert.equal(statSync(lib.dataDir).mode & 0o777, 0o700);
    for (const f of readdirSync(lib.dataDir).filter((n) => n.startsWith('library.sqlite'))) {
      assert.equal(statSync(path.join(lib.dataDir, f)).mode & 0o777, 0o600, f);
    }
    const thumbs: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(path.join(d, e.name));
        else if (e.name.endsWith('.jpg')) thumbs.push(path.join(d, e.name));
      }
    };
    walk(path.join(lib.dataDir, 'artifacts'));
    assert.ok(thumbs.length > 0);
    for (const t of thumbs) assert.equal(statSync(t).mode & 0o777, 0o600, t);
  } finally {
    await lib.close();
  }
});
