import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { locateDecodeDamage } from '../../core/ffmpeg/decode-damage.js';
import { Ffmpeg } from '../../core/ffmpeg/index.js';
import { tempDir } from '../helpers/library.js';
import { generated, keyint250Clip } from '../helpers/media.js';

/** A copy of `file` with bytes 55–60 % overwritten with noise (the same noise every time). */
function damaged(file: string, dir: string): string {
  const bytes = readFileSync(file);
  let seed = 7;
  for (let i = Math.floor(bytes.length * 0.55); i < Math.floor(bytes.length * 0.6); i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    bytes[i] = seed & 0xff;
  }
  const out = path.join(dir, `damaged-${path.basename(file)}`);
  writeFileSync(out, bytes);
  return out;
}

// MPEG-TS timelines start at 1.4 s (ffmpeg's muxer); a player's clock starts at the file's start. Read with
// -copyts, the damage in the TS copy was reported 1.4 s late (12.4 s of a 20 s file).
test("decode damage: its place on the file's own clock, also where the file's timestamps start after 0 (MPEG-TS)", async () => {
  const scratch = tempDir('framewise-decode-damage-');
  try {
    const ffmpeg = await Ffmpeg.create();
    const mp4 = await keyint250Clip();
    const ts = await generated('keyint-250-20s.ts', (out) => ['-i', mp4, '-c', 'copy', out]);
    const fromMp4 = await locateDecodeDamage(ffmpeg, damaged(mp4, scratch.dir), 0);
    const fromTs = await locateDecodeDamage(ffmpeg, damaged(ts, scratch.dir), 0);
    assert.ok(fromMp4?.at != null && fromMp4.at >= 10 && fromMp4.at <= 12.5, JSON.stringify(fromMp4));
    // The same bytes of a slightly different container: the same place within half a second.
    assert.ok(fromTs?.at != null && Math.abs(fromTs.at - fromMp4.at) < 0.5, `${JSON.stringify(fromTs)} vs ${fromMp4.at}`);
  } finally {
    scratch.cleanup();
  }
});
