import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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

test('CLI: framewise scenes --json; framewise clips list/split/merge/approve/skip/archive/undo/redo/keyframes/sprite/vtt/export (pattern, join) --json', async () => {
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
      videoId: number;
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
    // A folder of footage in one action: its media files, imported first where they are not in the library yet
    // (the copy of the imported video is that video: answered from the store), each video once.
    const footage = path.join(scratch.dir, 'footage');
    mkdirSync(footage);
    copyFileSync(video, path.join(footage, 'a.mp4'));
    copyFileSync(await sceneMedia.fade(), path.join(footage, 'b.mp4'));
    writeFileSync(path.join(footage, 'notes.txt'), 'not footage');
    const folder = await json<{ videos: Array<{ videoId: number; scenes: unknown[] }> }>(
      'scenes',
      footage,
      '--detector',
      'content',
      '--min-scene-len',
      '15',
    );
    assert.equal(folder.videos.length, 2);
    assert.equal(folder.videos.find((v) => v.videoId === scenes.videoId)?.scenes.length, 4);
    assert.ok(folder.videos.every((v) => v.scenes.length > 0));
    const bad = await cli('scenes', video, '--detector', 'magic');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--detector must be one of/);
    const badEdges = await cli('scenes', video, '--edges', 'strong');
    assert.equal(badEdges.code, 2);
    assert.match(badEdges.stderr, /--edges must be a weight from 0 to 10, got "strong"/);

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
    list = await json('clips', video, '--archive', '5');
    assert.equal(list.clips[4]!.state, 'archived');
    list = await json('clips', video, '--undo');
    assert.equal(list.clips[4]!.state, 'pending');
    list = await json('clips', video, '--redo');
    assert.equal(list.clips[4]!.state, 'archived');

    // Keyframes (N spread, PNG), a clip's sprite sheet with its WebVTT track, the whole video's track.
    const kf = await json<{ keyframes: Array<{ clip: number; images: Array<{ frame: number; path: string }> }> }>(
      'clips',
      video,
      '--keyframes',
      '3',
      '--png',
    );
    assert.equal(kf.keyframes.length, 5);
    for (const k of kf.keyframes) {
      assert.equal(k.images.length, 3, `clip ${k.clip}`);
      for (const im of k.images) assert.equal(readFileSync(im.path).subarray(1, 4).toString(), 'PNG');
    }
    const sprite = await json<{ clip: number; sheet: string; vtt: string; tiles: number }>('clips', video, '--sprite', '1');
    assert.ok(sprite.tiles > 0 && existsSync(sprite.sheet));
    assert.match(readFileSync(sprite.vtt, 'utf8'), /^WEBVTT[\s\S]*#xywh=\d+,\d+,\d+,\d+/);
    const track = await json<{ vtt: string; cues: number }>('clips', video, '--vtt');
    assert.ok(track.cues >= 5, `${track.cues} cues`);
    assert.match(readFileSync(track.vtt, 'utf8'), /#xywh=/);

    // The approved clips (the default), losslessly (the default mode), named by a pattern; and clips joined into one file.
    const named = await json<{ files: Array<{ path: string; mode: string }> }>(
      'clips',
      video,
      '--export',
      path.join(scratch.dir, 'named'),
      '--pattern',
      'cut-{n}',
    );
    assert.deepEqual(
      named.files.map((f) => [path.basename(f.path), f.mode]),
      [
        ['cut-1.mp4', 'copy'],
        ['cut-3.mp4', 'copy'],
        ['cut-4.mp4', 'copy'],
      ],
    );
    const joined = await json<{ files: Array<{ path: string; startFrame: number; endFrame: number }> }>(
      'clips',
      video,
      '--export',
      path.join(scratch.dir, 'joined'),
      '--clips',
      '1-2',
      '--join',
    );
    assert.equal(joined.files.length, 1);
    assert.deepEqual([joined.files[0]!.startFrame, joined.files[0]!.endFrame], [0, 90]);
    assert.ok(existsSync(joined.files[0]!.path));

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
