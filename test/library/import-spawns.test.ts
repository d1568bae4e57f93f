import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openTempCore } from '../helpers/library.js';
import { media } from '../helpers/media.js';
import { importNotingSpawns } from '../helpers/import-spawns.js';
import { processThread } from '../../core/ffmpeg/process-thread.js';

/**
 * `spawn` blocks the calling thread until the child has started its program (a fork of this process, then exec):
 * a few ms on an idle machine, far more on a busy one (the bench's import stall). Where there is a process thread
 * (Linux with setpriv: core/ffmpeg/process-thread.ts) an import starts none of its child processes on the core's
 * main thread; elsewhere it starts each in a turn of the event loop of its own, so that no two add up.
 * The real spawn runs; the test only notes, for each one, the thread and the turn of the event loop.
 */
describe('import: child processes and the event loop', () => {
  let lib: Awaited<ReturnType<typeof openTempCore>>;
  before(async () => {
    // One job at a time: the import's follow-ups (frame count, fingerprint) wait until it has finished.
    lib = await openTempCore({ concurrency: 1 });
  });
  after(async () => {
    await lib.close();
  });

  it('starts no ffmpeg/ffprobe of an import on the main thread (or each in its own turn), and ffprobe once', async () => {
    const file = await media.mp4(4);
    let turn = 0;
    let counting = true;
    const count = () => {
      turn++;
      if (counting) setImmediate(count);
    };
    count();
    let job;
    let noted;
    try {
      ({ job, spawns: noted } = await importNotingSpawns(lib.core, file, () => turn));
    } finally {
      counting = false;
    }
    assert.equal(job.state, 'succeeded', JSON.stringify(job.error));
    const spawns = noted.map((s) => ({
      turn: s.noted,
      program: (s.args.length ? s.args : [s.file]).filter((x) => !x.startsWith('-')).slice(-1)[0] ?? '?',
      file: s.file,
      readsSource: s.args.includes(file),
      findsStreamInfo: !s.args.includes('-nofind_stream_info'),
    }));
    // probe (with the frame-rate check), thumbnail frames with the tail check, thumbnail JPEG at least
    assert.ok(spawns.length >= 3, `spawns: ${JSON.stringify(spawns)}`);
    const onMain = noted.filter((s) => s.thread === 'main');
    if (processThread())
      assert.deepEqual(
        onMain.map((s) => s.file),
        [],
        'child processes started on the main thread',
      );
    const turns = onMain.map((s) => s.noted);
    assert.equal(new Set(turns).size, turns.length, `two child processes started in one turn: ${JSON.stringify(spawns)}`);
    // Each ffmpeg/ffprobe start costs CPU of its own (loading the libraries, opening and probing the file): the
    // probe and the packet-spacing frame-rate check are one ffprobe run.
    const ffprobe = lib.core.services.ffmpeg.tools.ffprobe.path;
    assert.equal(spawns.filter((s) => s.file === ffprobe).length, 1, `ffprobe runs: ${JSON.stringify(spawns)}`);
    // The thumbnail's keyframes and the tail check (an exact decode near the end) are one ffmpeg run on the file.
    const ffmpegOnSource = spawns.filter((s) => s.file !== ffprobe && s.readsSource);
    assert.equal(ffmpegOnSource.length, 1, `ffmpeg runs reading the file: ${JSON.stringify(ffmpegOnSource)}`);
    // An MP4's header says what decoding needs: its inputs skip find_stream_info (a first-frame decode each).
    assert.equal(ffmpegOnSource[0]!.findsStreamInfo, false, 'the keyframe run of an MP4 opens its inputs from the header');
  });
});
