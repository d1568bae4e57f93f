import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { openRollingFile } from '../../core/util/rolling-file.js';
import { tempDir } from '../helpers/library.js';

const close = (s: Awaited<ReturnType<typeof openRollingFile>>) =>
  new Promise<void>((resolve) => s.flush(() => (s.once('close', () => resolve()), s.end())));
const logFiles = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]));

test('the library log file: appends to the newest <base>.N.log, moves on past the size limit, keeps the newest files', async (t) => {
  const lib = tempDir('framewise-rolling-');
  t.after(() => lib.cleanup());
  const dir = path.join(lib.dir, 'logs');
  // A new folder: created, writing starts at framewise.1.log.
  let s = await openRollingFile({ dir, base: 'framewise', maxBytes: 1000, keep: 3 });
  s.write('first\n');
  await close(s);
  assert.deepEqual(logFiles(dir), ['framewise.1.log']);

  // An existing framewise.7.log (another process rotated): appended to, not restarted at 1.
  writeFileSync(path.join(dir, 'framewise.7.log'), 'older\n');
  s = await openRollingFile({ dir, base: 'framewise', maxBytes: 1000, keep: 3 });
  s.write('newer\n');
  await close(s);
  assert.equal(readFileSync(path.join(dir, 'framewise.7.log'), 'utf8'), 'older\nnewer\n', 'appended, not truncated');

  s = await openRollingFile({ dir, base: 'framewise', maxBytes: 1000, keep: 3 });
  const line = `${'x'.repeat(99)}\n`;
  for (let i = 0; i < 60; i++) {
    // Each line reaches the file before the next is written (one write each), so rotations fall between lines.
    const written = new Promise<void>((r) => s.once('write', () => r()));
    s.write(line);
    await written;
  }
  await close(s);
  const files = logFiles(dir);
  const rolled = files.filter((f) => f !== 'framewise.1.log');
  // 60 lines of 100 bytes over 1000-byte files: ~6 files were written, only this process's newest 3 are kept.
  assert.equal(rolled.length, 3, files.join(', '));
  assert.ok(Number(rolled.at(-1)!.split('.')[1]) >= 12, files.join(', '));
  for (const f of rolled.slice(0, -1)) {
    const size = readFileSync(path.join(dir, f)).length;
    assert.ok(size >= 1000 && size <= 1100, `${f}: ${size} bytes`);
  }
  const total = rolled.map((f) => readFileSync(path.join(dir, f), 'utf8')).join('');
  assert.ok(total.endsWith(line), 'the last line is in the newest file');
});
