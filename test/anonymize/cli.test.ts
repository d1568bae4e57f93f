import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { runCli } from '../helpers/cli.js';
import { WITHHELD_ARGUMENT } from '../../core/anonymize/audit-command.js';
import { tempDir } from '../helpers/library.js';
import path from 'node:path';
import { ffmpeg } from '../helpers/media.js';
import { endoscopyVideo, patientStrings } from './endoscopy-media.js';
import { ocrEverySecond, patientStringsIn } from './independent-ocr.js';

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

test('cli anonymize batch: new files are imported, read by OCR, anonymized and verified (exit 0); no patient text readable', async () => {
  const a = await endoscopyVideo();
  const work = tempDir('framewise-anon-cli-in-');
  const lib = tempDir();
  const out = tempDir('framewise-anon-cli-');
  try {
    // A second file with the same picture but other bytes (a different library entry).
    // Its file name carries the patient's name and birth date: the export audit must never store them.
    const b = path.join(work.dir, 'Müller Jürgen 12.03.1961.mp4');
    await ffmpeg(['-i', a, '-map', '0', '-c', 'copy', '-metadata', 'comment=second recording', b]);
    const r = await runCli(['--data-dir', lib.dir, 'anonymize', a, b, '-o', out.dir, '--json'], { timeoutMs: 600_000 });
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as {
      results: Array<{ status: string; output: string; input: string; videoId: number; command: string[] }>;
      verified: number;
    };
    assert.equal(doc.verified, 2);
    // The export audit (`framewise exports`) has each render's command line; the one of the file named after
    // the patient withholds that path (and nothing else: the other input's path stands as given).
    const audit = await runCli(['--data-dir', lib.dir, 'exports', '--json']);
    assert.equal(audit.code, 0, audit.stderr);
    const { exports } = JSON.parse(audit.stdout) as { exports: Array<{ videoId: number; state: string; command: string[] | null }> };
    assert.equal(exports.length, 2);
    for (const res of doc.results) {
      const rec = exports.find((e) => e.videoId === res.videoId)!;
      assert.equal(rec.state, 'verified');
      assert.deepEqual(rec.command, res.command, 'the audit keeps the command the result reports');
      assert.ok(rec.command!.includes('-filter_complex'));
      const input = rec.command![rec.command!.indexOf('-i') + 1];
      if (res.input === b) assert.equal(input, WITHHELD_ARGUMENT);
      else assert.equal(input, res.input);
    }
    assert.doesNotMatch(audit.stdout, /M(ü|\\u00fc)ller|J(ü|\\u00fc)rgen|1961/i, 'no patient value in the audit');
    const text = await runCli(['--data-dir', lib.dir, 'exports']);
    assert.match(text.stdout, /command: \S*ffmpeg\S* -progress pipe:3 .*-filter_complex/);
    assert.doesNotMatch(text.stdout, /Müller|Jürgen|1961/);
    const files = readdirSync(out.dir).sort();
    assert.equal(files.length, 2);
    for (const f of files) {
      assert.doesNotMatch(f, /endoscopy/);
      const frames = await ocrEverySecond(path.join(out.dir, f));
      for (const fr of frames) assert.deepEqual(patientStringsIn(fr.text, patientStrings), [], `${f}: patient text at ${fr.time} s`);
    }
  } finally {
    out.cleanup();
    lib.cleanup();
    work.cleanup();
  }
});
