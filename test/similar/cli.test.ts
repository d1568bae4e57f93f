import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/library.js';
import { generated } from '../helpers/media.js';
import { similarMedia, VARIANTS } from '../helpers/similar.js';

interface Pair {
  videoId: number;
  otherId: number;
  score: number;
  offsetSeconds: number;
  videoName: string;
  otherName: string;
}
interface Found {
  videoId: number;
  clipId: number;
  n: number;
  by: string;
  results: Array<{ videoId: number; n: number; start: number; end: number; similarity: number }>;
}

test('CLI: framewise duplicates --json; framewise similar <video>:<clip> --json (fingerprints)', async () => {
  const scratch = tempDir('framewise-similar-cli-');
  const data = path.join(scratch.dir, 'library');
  const cli = (...args: string[]) => runCli(['--data-dir', data, ...args]);
  const json = async <T>(...args: string[]): Promise<T> => {
    const r = await cli(...args, '--json');
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as T;
  };
  try {
    const trim = VARIANTS.find((v) => v.name === 'trim2s')!;
    const original = await similarMedia.original();
    const trimmed = await similarMedia.variant(trim.name, trim.filter, trim.extra, trim.inputExtra);
    const different = await similarMedia.different();
    for (const f of [original, trimmed, different]) assert.equal((await cli('import', f)).code, 0);

    const dup = await json<{ threshold: number; pairs: Pair[] }>('duplicates', '--threshold', '0.9');
    assert.equal(dup.threshold, 0.9);
    assert.deepEqual(
      dup.pairs.map((p) => [p.videoName, p.otherName, p.offsetSeconds]),
      [['similar-trim2s.mp4', 'similar-original.mp4', 2]],
    );
    assert.ok(dup.pairs[0]!.score >= 0.9);
    const text = await cli('duplicates');
    assert.equal(text.code, 0);
    assert.match(text.stdout, /video 1 similar-original\.mp4/);
    assert.match(text.stdout, /\d+ %/);
    assert.equal((await cli('duplicates', '--threshold', '2')).code, 2);

    // Clips from scenes (testsrc2 | mandelbrot | life), then: which clips look like the original's second one?
    for (const f of ['1', '2', '3']) assert.equal((await cli('clips', f, '--detector', 'content')).code, 0, f);
    const found = await json<Found>('similar', '1:2', '--scope', 'other', '--top', '3');
    assert.equal(found.by, 'fingerprint');
    assert.equal(found.n, 2);
    assert.ok(found.results.length >= 1 && found.results.length <= 3);
    const best = found.results[0]!;
    assert.equal(best.videoId, 2, JSON.stringify(found.results));
    assert.equal(best.n, 2);
    assert.ok(best.similarity > 0.8, `similarity ${best.similarity}`);
    assert.ok(found.results.every((r) => r.videoId !== 1));
    assert.ok(found.results.slice(1).every((r) => r.similarity <= best.similarity));
    // Same video only: never the clip itself.
    const same = await json<Found>('similar', '1:2', '--scope', 'same');
    assert.ok(same.results.every((r) => r.videoId === 1 && r.n !== 2));
    const thresholded = await json<Found>('similar', '1:2', '--threshold', '0.8');
    assert.ok(thresholded.results.every((r) => r.similarity >= 0.8));
    assert.ok(thresholded.results.some((r) => r.videoId === 2));
    assert.ok(!thresholded.results.some((r) => r.videoId === 3), JSON.stringify(thresholded.results));

    // A single frame (the original at 6 s: mandelbrot) and the same picture as an image file.
    const atSix = await json<Found & { time: number; clipId: number | null }>(
      'similar',
      '1',
      '--at',
      '6',
      '--scope',
      'other',
      '--top',
      '1',
    );
    assert.equal(atSix.time, 6);
    assert.equal(atSix.clipId, null);
    assert.deepEqual([atSix.results[0]!.videoId, atSix.results[0]!.n], [2, 2], JSON.stringify(atSix.results));
    assert.ok(atSix.results[0]!.similarity > 0.8, JSON.stringify(atSix.results));
    const picture = await generated('similar-original-6s.png', (out) => ['-ss', '6', '-i', original, '-frames:v', '1', out]);
    const byImage = await json<Found>('similar', '--image', picture, '--top', '2');
    assert.deepEqual(byImage.results.map((r) => `${r.videoId}:${r.n}`).sort(), ['1:2', '2:2'], JSON.stringify(byImage.results));
    assert.equal((await cli('similar', '1', '--at', '6', '--image', picture)).code, 2);
    assert.equal((await cli('similar', '1:2', '--at', '6')).code, 2);

    const bad = await cli('similar', '1:99');
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /no clip 99/);
    assert.equal((await cli('similar', '1', '--scope', 'nearby')).code, 2);
  } finally {
    scratch.cleanup();
  }
});
