import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { Ffmpeg } from '../../core/ffmpeg/index.js';
import { keyframesAndTailArgs, readFrameRgb, readKeyframesAndTail } from '../../core/ffmpeg/raw-frame.js';
import { media } from '../helpers/media.js';

const execFileAsync = promisify(execFile);

/**
 * The thumbnail's keyframe run (five keyframe inputs and the import's tail check in one ffmpeg) reads a few
 * packets per input, not on to the input's next keyframe: a concat of trimmed inputs ended each input only when
 * its second frame came out, and with `-skip_frame nokey` that read (and parsed) a whole GOP per input.
 */
describe('keyframe run: what each input reads', () => {
  it('reads a few packets per input and gives the keyframe at or before each time', async () => {
    const ffmpeg = await Ffmpeg.create();
    // 4 s at 25 fps with x264's default GOP (250 frames): one keyframe, at 0; the tail (2.5 s) decodes exactly.
    const file = await media.mp4(4);
    const size = { width: 160, height: 120 };
    const times = [0.4, 1.2, 2, 2.8, 3.4];
    const args = keyframesAndTailArgs(file, times, size, 2.5);
    // The same run at `-v verbose`: ffmpeg then says, per input, how many packets it read.
    const verbose = args.map((a, i) => (i === 1 && args[0] === '-v' ? 'verbose' : a));
    const { stderr } = await execFileAsync(ffmpeg.tools.ffmpeg.path, verbose, { encoding: 'buffer', maxBuffer: 64 << 20 });
    const read = [...stderr.toString('latin1').matchAll(/Input stream #(\d+):\d+ \(video\): (\d+) packets read/g)].map((m) => Number(m[2]));
    assert.equal(read.length, times.length + 1, stderr.toString('latin1').slice(-2000));
    // Keyframe inputs: the keyframe and what the input's reading thread queued (8) at most; the tail: the frames
    // from the keyframe to 2.5 s (63) and that queue. A whole GOP (100 packets: the file's end) is too many.
    for (const [i, n] of read.slice(0, -1).entries()) assert.ok(n <= 12, `input ${i} read ${n} packets: ${JSON.stringify(read)}`);
    assert.ok(read.at(-1)! <= 63 + 12, `the tail input read ${read.at(-1)} packets`);
    // Every input, the tail's too, decodes in one thread (frame threads each allocate a decoder context and
    // zero-filled frame buffers: 0.1 CPU-s of the bench file's tail decode).
    const inputs = args.join(' ').split(` -i ${file}`).slice(0, -1);
    assert.equal(inputs.length, times.length + 1);
    for (const [i, opts] of inputs.entries()) assert.match(opts, /-threads 1 /, `input ${i}: ${opts}`);

    const { frames, tailDecodes } = await readKeyframesAndTail(ffmpeg, file, times, size, undefined, 2.5);
    assert.equal(tailDecodes, true);
    assert.ok(frames);
    const keyframe = await readFrameRgb(ffmpeg, file, 0, size);
    assert.ok(keyframe);
    for (const [i, f] of frames.entries()) assert.deepEqual(Buffer.from(f), Buffer.from(keyframe), `frame ${i} is the keyframe at 0`);
  });
});

describe('keyframe run: MP4/MOV inputs opened from their header', () => {
  it('skips find_stream_info and still seeks to the same keyframes in a file that starts late', async () => {
    const ffmpeg = await Ffmpeg.create();
    // ffmpeg adds the file's start (0.5 s) to -ss itself, but only when find_stream_info has run.
    const file = await media.h264StartingLate(6);
    const info = await ffmpeg.probe(file);
    assert.equal(info.fileStart, 0.5);
    const size = { width: 160, height: 120 };
    // Each just past a keyframe's time but before it plus 0.5 s: a seek that forgot the start picks the one before.
    const times = [1.2, 2.3, 3.1, 4.4];
    const probed = await readKeyframesAndTail(ffmpeg, file, times, size, undefined, 4.5);
    const fromHeader = await readKeyframesAndTail(ffmpeg, file, times, size, undefined, 4.5, info.fileStart);
    assert.ok(probed.frames && fromHeader.frames);
    assert.deepEqual(
      fromHeader.frames.map((f) => Buffer.from(f)),
      probed.frames.map((f) => Buffer.from(f)),
    );
    assert.equal(fromHeader.tailDecodes, true);
    // The start not added: other frames (what makes the check above able to fail).
    const startIgnored = await readKeyframesAndTail(ffmpeg, file, times, size, undefined, 4.5, 0);
    assert.notDeepEqual(
      startIgnored.frames?.map((f) => Buffer.from(f)),
      probed.frames.map((f) => Buffer.from(f)),
    );

    // No input ran find_stream_info (libavformat says so at -v debug when it does).
    const args = keyframesAndTailArgs(file, times, size, 4.5, info.fileStart);
    const debug = args.map((a, i) => (i === 1 && args[0] === '-v' ? 'debug' : a));
    const { stderr } = await execFileAsync(ffmpeg.tools.ffmpeg.path, debug, { encoding: 'buffer', maxBuffer: 64 << 20 });
    assert.equal([...stderr.toString('latin1').matchAll(/After avformat_find_stream_info/g)].length, 0);
    const probedArgs = keyframesAndTailArgs(file, times, size, 4.5).map((a, i) => (i === 1 ? 'debug' : a));
    const { stderr: probedErr } = await execFileAsync(ffmpeg.tools.ffmpeg.path, probedArgs, { encoding: 'buffer', maxBuffer: 64 << 20 });
    assert.equal([...probedErr.toString('latin1').matchAll(/After avformat_find_stream_info/g)].length, times.length + 1);
  });
});
