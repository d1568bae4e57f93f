import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/library.js';
import { media } from '../helpers/media.js';

interface CliSeg {
  id: number;
  label: string;
  startFrame: number;
  endFrame: number;
  start: number;
  source: string;
  validated: boolean;
}

test('CLI: segments --add/--set/--relabel/--split/--merge/--remove/--validate/--undo/--redo/--history/--export/--import', async () => {
  const scratch = tempDir('framewise-review-cli-');
  const data = path.join(scratch.dir, 'library');
  const cli = (...args: string[]) => runCli(['--data-dir', data, ...args]);
  const json = async <T>(...args: string[]): Promise<T> => {
    const r = await cli(...args, '--json');
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as T;
  };
  try {
    const video = await media.mp4(8, 'review-8s.mp4');
    assert.equal((await cli('import', video)).code, 0);
    assert.equal((await cli('settings', 'reviewerName', 'bob')).code, 0);

    // Seconds snap to the 25 fps grid; frames with an f suffix are exact.
    let r = await json<{ segments: CliSeg[] }>('segments', video, '--add', 'tool:1-2.01', '--add', 'blood:100f-150f');
    assert.deepEqual(
      r.segments.map((s) => `${s.label}:${s.startFrame}-${s.endFrame}`),
      ['blood:100-150', 'tool:25-50'],
    );
    const tool = r.segments.find((s) => s.label === 'tool')!;
    r = await json('segments', video, '--set', `${tool.id}:30f-`);
    const moved = r.segments.find((s) => s.label === 'tool')!;
    assert.equal(moved.startFrame, 30);
    assert.equal(moved.endFrame, 50);
    assert.equal(moved.start, 1.2);

    // The old id is a stale revision now: refused with a conflict, exit 1, nothing changed.
    const stale = await cli('segments', video, '--set', `${tool.id}:0-1`);
    assert.equal(stale.code, 1);
    assert.match(stale.stderr, /changed by bob .*not saved/);

    r = await json('segments', video, '--split', `${moved.id}:40f`);
    const parts = r.segments.filter((s) => s.label === 'tool');
    assert.deepEqual(
      parts.map((s) => `${s.startFrame}-${s.endFrame}`),
      ['30-40', '40-50'],
    );
    r = await json('segments', video, '--merge', parts.map((p) => p.id).join(','));
    const merged = r.segments.find((s) => s.label === 'tool')!;
    r = await json('segments', video, '--relabel', `${merged.id}:smoke`);
    assert.deepEqual(r.segments.map((s) => s.label).sort(), ['blood', 'smoke']);

    const v = await json<{ progress: { validated: number; total: number } }>('segments', video, '--validate', 'all', '--label', 'blood');
    assert.deepEqual(v.progress, { validated: 1, total: 2 });
    const listed = await json<{ videos: Array<{ review: { validated: number; total: number } }> }>('list');
    assert.deepEqual(listed.videos[0]!.review, { validated: 1, total: 2 });
    assert.match((await cli('list')).stdout, /reviewed[\s\S]*1\/2/);

    const smoke = r.segments.find((s) => s.label === 'smoke')!;
    r = await json('segments', video, '--remove', String(smoke.id));
    assert.deepEqual(
      r.segments.map((s) => s.label),
      ['blood'],
    );
    r = await json('segments', video, '--undo');
    assert.deepEqual(r.segments.map((s) => s.label).sort(), ['blood', 'smoke']);
    r = await json('segments', video, '--redo');
    assert.deepEqual(
      r.segments.map((s) => s.label),
      ['blood'],
    );

    const history = await json<Array<{ op: string; who: string; before: unknown[]; after: unknown[] }>>('segments', video, '--history');
    assert.deepEqual(
      history.map((h) => h.op),
      ['add', 'add', 'update', 'split', 'merge', 'update', 'validate', 'delete', 'undo', 'redo'],
    );
    assert.ok(history.every((h) => h.who === 'bob'));
    const human = await cli('segments', video, '--history');
    assert.match(human.stdout, /split: tool 30–50 \(#\d+\) → tool 30–40 \(#\d+\), tool 40–50/);

    const csvFile = path.join(scratch.dir, 'review.csv');
    assert.equal((await cli('segments', video, '--export', csvFile)).code, 0);
    assert.equal(
      readFileSync(csvFile, 'utf8'),
      'label,start,end,start_frame,end_frame,source,validated\nblood,4,6,100,150,reviewer,true\n',
    );
    const jsonFile = path.join(scratch.dir, 'more.json');
    writeFileSync(jsonFile, JSON.stringify([{ label: 'dark', start: 7, end: 8 }]));
    const imp = await json<{ added: number }>('segments', video, '--import', jsonFile);
    assert.equal(imp.added, 1);
    const all = await json<CliSeg[]>('segments', video);
    assert.deepEqual(
      all.map((s) => `${s.label}:${s.startFrame}-${s.endFrame}`),
      ['blood:100-150', 'dark:175-200'],
    );
    assert.equal((await cli('segments', video, '--add', 'tool:nope')).code, 2);
    assert.equal((await cli('segments', video, '--add', 'tool:7-9')).code, 2, 'beyond the end of the video: usage');
    assert.equal((await cli('segments', video, '--export', path.join(scratch.dir, 'x.txt'))).code, 2);
  } finally {
    scratch.cleanup();
  }
});

test('CLI: concurrent edits of one segment from several processes: exactly one wins, the others get a conflict', async () => {
  const scratch = tempDir('framewise-review-race-');
  const data = path.join(scratch.dir, 'library');
  const cli = (...args: string[]) => runCli(['--data-dir', data, ...args]);
  try {
    const video = await media.mp4(8, 'review-8s.mp4');
    assert.equal((await cli('import', video)).code, 0);
    const added = await cli('segments', video, '--add', 'tool:25f-50f', '--json');
    const id = (JSON.parse(added.stdout) as { segments: Array<{ id: number }> }).segments[0]!.id;
    const runs = await Promise.all([60, 61, 62, 63].map((end) => cli('segments', video, '--set', `${id}:-${end}f`)));
    const won = runs.filter((r) => r.code === 0);
    const lost = runs.filter((r) => r.code !== 0);
    assert.equal(won.length, 1, runs.map((r) => r.stderr).join('\n'));
    for (const r of lost) {
      assert.equal(r.code, 1);
      assert.match(r.stderr, /was changed by .*not saved/);
    }
    const history = JSON.parse((await cli('segments', video, '--history', '--json')).stdout) as Array<{ op: string }>;
    assert.deepEqual(
      history.map((h) => h.op),
      ['add', 'update'],
    );
  } finally {
    scratch.cleanup();
  }
});
