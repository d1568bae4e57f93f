import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/library.js';
import { redManifest, redModelBytes, redSceneVideo, writeModelDir } from './helpers.js';

test('CLI: models add/list/remove, predict --json and segments --label --json', async () => {
  const scratch = tempDir('framewise-predict-cli-');
  const data = path.join(scratch.dir, 'library');
  const cli = (...args: string[]) => runCli(['--data-dir', data, ...args]);
  try {
    const video = await redSceneVideo();
    assert.equal((await cli('import', video)).code, 0);

    const bad = writeModelDir(path.join(scratch.dir, 'bad'), redManifest({ labels: ['outside', 'dark', 'blood'] }), redModelBytes());
    const refused = await cli('models', 'add', bad);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /2 columns but the manifest lists 3 labels/);

    const good = writeModelDir(path.join(scratch.dir, 'good'), redManifest(), redModelBytes());
    const added = await cli('models', 'add', good, '--json');
    assert.equal(added.code, 0, added.stderr);
    assert.equal(JSON.parse(added.stdout).name, 'colour-outside');
    const list = await cli('models', 'list', '--json');
    assert.deepEqual(
      (JSON.parse(list.stdout) as Array<{ name: string }>).map((m) => m.name),
      ['frame-quality', 'colour-outside'],
    );

    assert.equal((await cli('predict', video, '--fps', 'zero')).code, 2);
    const pred = await cli('predict', video, '--model', 'colour-outside', '--fps', '5', '--json');
    assert.equal(pred.code, 0, pred.stderr);
    const result = JSON.parse(pred.stdout) as { state: string; samples: number; model: string; segments: unknown[] };
    assert.equal(result.state, 'succeeded');
    assert.equal(result.samples, 150);
    assert.equal(result.segments.length, 3);

    const segs = await cli('segments', video, '--label', 'outside', '--json');
    assert.equal(segs.code, 0, segs.stderr);
    const parsed = JSON.parse(segs.stdout) as Array<Record<string, unknown>>;
    assert.equal(parsed.length, 1);
    const s = parsed[0]!;
    assert.deepEqual(Object.keys(s).sort(), [
      'end',
      'endFrame',
      'label',
      'maxScore',
      'meanScore',
      'model',
      'source',
      'start',
      'startFrame',
      'validated',
    ]);
    assert.equal(s.label, 'outside');
    assert.equal(s.source, 'prediction');
    assert.equal(s.model, 'colour-outside');
    assert.equal(s.validated, false);
    assert.ok(Math.abs((s.start as number) - 12) <= 0.2 && Math.abs((s.end as number) - 18) <= 0.2, JSON.stringify(s));

    const human = await cli('segments', video);
    assert.match(human.stdout, /outside\s+0:12/);

    assert.equal((await cli('models', 'remove', 'colour-outside')).code, 0);
    assert.equal((await cli('models', 'remove', 'frame-quality')).code, 2);
    assert.equal((await cli('models', 'frobnicate')).code, 2);
    // Segments of a removed model stay.
    assert.equal(JSON.parse((await cli('segments', video, '--json')).stdout).length, 3);
  } finally {
    scratch.cleanup();
  }
});
