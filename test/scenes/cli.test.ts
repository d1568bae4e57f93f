import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/library.js';
import { media } from '../helpers/media.js';
import { CUTS_EXPECTED, sceneMedia } from '../helpers/scenes.js';

interface CliClip {
  n: number;
  id: number;
  startFrame: number;
  endFrame: number;
  state: string;
}

test('CLI: framewise scenes --json; framewise clips list/split/merge/approve/undo/export --json', async () => {
  const scratch = tempDir('framewise-scenes-cli-');
  const data = path.join(scratch.dir, 'library');
  const outDir = path.join(scratch.dir, 'out');
  const cli = (...args: string[]) => runCli(['--data-dir', data, ...args]);
  const json = async <T>(...args: string[]): Promise<T> => {
    const r = await cli(...args, '--json');
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as T;
  };
  try {
    const video = await sceneMedia.cuts();
    // A file that is not in the library is imported first; one that is no video is refused naming it and why.
    const audio = await media.audioOnly();
    for (const command of ['scenes', 'clips']) {
      const r = await cli(command, audio);
      assert.equal(r.code, 1, r.stderr);
      assert.ok(r.stderr.includes(`${audio}: audio-only file`), r.stderr);
    }
    const scenes = await json<{
      detector: string;
      params: { threshold: number };
      scenes: Array<{ start: number; end: number; startFrame: number; endFrame: number }>;
    }>('scenes', video, '--detector', 'content', '--threshold', '27', '--min-scene-len', '15');
    assert.equal(scenes.detector, 'content');
    assert.equal(scenes.params.threshold, 27);
    assert.deepEqual(
      scenes.scenes.map((s) => s.startFrame),
      CUTS_EXPECTED,
    );
    assert.deepEqual(scenes.scenes[1], { start: 2, end: 3.6, startFrame: 50, endFrame: 90 });
    // A folder stands for the library videos in it (here: the one imported), answered from the store.
    const folder = await json<{ videos: Array<{ scenes: unknown[] }> }>(
      'scenes',
      path.dirname(video),
      '--detector',
      'content',
      '--min-scene-len',
      '15',
    );
    assert.equal(folder.videos.length, 1);
    assert.equal(folder.videos[0]!.scenes.length, 4);
    const bad = await cli('scenes', video, '--detector', 'magic');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--detector must be one of/);

    // `clips` makes clips from a detection (default detector) the first time.
    let list = await json<{ clips: CliClip[] }>('clips', video);
    assert.deepEqual(
      list.clips.map((c) => [c.n, c.startFrame, c.state]),
      [
        [1, 0, 'pending'],
        [2, 50, 'pending'],
        [3, 90, 'pending'],
        [4, 150, 'pending'],
      ],
    );
    // Edits apply in order: the split first, so clips 3–4 are the two halves of the old clip 3.
    list = await json('clips', video, '--split', '3@120', '--approve', '1,3-4');
    assert.deepEqual(
      list.clips.map((c) => `${c.startFrame}:${c.state}`),
      ['0:approved', '50:pending', '90:approved', '120:approved', '150:pending'],
    );
    list = await json('clips', video, '--merge', '3,4');
    assert.equal(list.clips.length, 4);
    list = await json('clips', video, '--undo');
    assert.equal(list.clips.length, 5);
    list = await json('clips', video, '--skip', '2');
    assert.equal(list.clips[1]!.state, 'skipped');

    const exported = await json<{ files: Array<{ path: string; clip: number; startFrame: number; endFrame: number }> }>(
      'clips',
      video,
      '--export',
      outDir,
      '--mode',
      'accurate',
      '--clips',
      '1,3',
    );
    assert.deepEqual(
      exported.files.map((f) => [path.basename(f.path), f.clip, f.startFrame, f.endFrame]),
      [
        ['scenes-cuts-25fps-1.mp4', 1, 0, 50],
        ['scenes-cuts-25fps-3.mp4', 3, 90, 120],
      ],
    );
    // Again: refused, nothing overwritten.
    const again = await cli('clips', video, '--export', outDir, '--mode', 'accurate', '--clips', '1');
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already exists/);
    assert.deepEqual(readdirSync(outDir).sort(), ['scenes-cuts-25fps-1.mp4', 'scenes-cuts-25fps-3.mp4']);
    // A clip that does not exist, and export folders that cannot be used: refused before anything runs, naming
    // the folder and why (under /proc, Node's recursive mkdir looped forever: the export hung).
    const noClip = await cli('clips', video, '--export', outDir, '--clips', '9');
    assert.equal(noClip.code, 2);
    assert.match(noClip.stderr, /--clips: there is no clip 9 \(the video has 5\)/);
    const underFile = await cli('clips', video, '--export', path.join(video, 'out'), '--clips', '1');
    assert.equal(underFile.code, 1);
    assert.ok(
      underFile.stderr.includes(`Cannot export clips into ${path.join(video, 'out')}: ${video} is a file, not a folder`),
      underFile.stderr,
    );
    if (process.platform === 'linux') {
      const proc = await cli('clips', video, '--export', '/proc/framewise-clips', '--clips', '1');
      assert.equal(proc.code, 1);
      assert.match(proc.stderr, /Cannot export clips into \/proc\/framewise-clips: /);
    }
  } finally {
    scratch.cleanup();
  }
});
