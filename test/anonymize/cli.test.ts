import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/library.js';
import path from 'node:path';
import { ffmpeg } from '../helpers/media.js';
import { endoscopyVideo, patientStrings } from './endoscopy-media.js';
import { decodedFrameHashes, ocrEverySecond, patientStringsIn } from './independent-ocr.js';

test('cli anonymize: usage errors exit 2', async () => {
  const lib = tempDir();
  try {
    const noOut = await runCli(['--data-dir', lib.dir, 'anonymize', 'x.mp4']);
    assert.equal(noOut.code, 2);
    assert.match(noOut.stderr, /needs -o/);
    const badOutside = await runCli(['--data-dir', lib.dir, 'anonymize', 'x.mp4', '-o', lib.dir, '--outside', 'blur']);
    assert.equal(badOutside.code, 2);
    assert.match(badOutside.stderr, /--outside must be cut or black/);
    const badStyle = await runCli(['--data-dir', lib.dir, 'anonymize', 'x.mp4', '-o', lib.dir, '--mask-style', 'pixelate']);
    assert.equal(badStyle.code, 2);
    assert.match(badStyle.stderr, /--mask-style must be fill or blur/);
    assert.match(badStyle.stderr, /--mask-style fill\|blur/, 'the help names the choice');
  } finally {
    lib.cleanup();
  }
});

test('cli anonymize batch: new files are imported, read by OCR, anonymized and verified (exit 0); no patient text readable', async () => {
  const a = await endoscopyVideo();
  const work = tempDir('framewise-anon-cli-in-');
  const lib = tempDir();
  const out = tempDir('framewise-anon-cli-');
  try {
    // A second file with the same picture but other bytes (a different library entry).
    const b = path.join(work.dir, 'endoscopy-copy.mp4');
    await ffmpeg(['-i', a, '-map', '0', '-c', 'copy', '-metadata', 'comment=second recording', b]);
    const r = await runCli(['--data-dir', lib.dir, 'anonymize', a, b, '-o', out.dir, '--json'], { timeoutMs: 600_000 });
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { results: Array<{ status: string; output: string; input: string }>; verified: number };
    assert.equal(doc.verified, 2);
    const files = readdirSync(out.dir).sort();
    assert.equal(files.length, 2);
    // Every output is read by the independent OCR, every second, unless its decoded frames are exactly those of
    // an output already read (the two inputs show the same picture, so their exports usually match frame for frame).
    const read = new Set<string>();
    for (const f of files) {
      assert.doesNotMatch(f, /endoscopy/);
      const frames = await decodedFrameHashes(path.join(out.dir, f));
      assert.ok(frames.split('\n').length >= 250, `${f}: ${frames.split('\n').length} frames`);
      if (read.has(frames)) continue;
      const pages = await ocrEverySecond(path.join(out.dir, f));
      for (const fr of pages) assert.deepEqual(patientStringsIn(fr.text, patientStrings), [], `${f}: patient text at ${fr.time} s`);
      read.add(frames);
    }
  } finally {
    out.cleanup();
    lib.cleanup();
    work.cleanup();
  }
});
