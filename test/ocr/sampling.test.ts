import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Ffmpeg } from '../../core/ffmpeg/index.js';
import { readFrameRgb } from '../../core/ffmpeg/raw-frame.js';
import { sampleFramesArgs, sampleFramesRgb } from '../../core/ffmpeg/sample-frames.js';
import { sampleFrames, sampleTimes } from '../../core/ocr/pipeline.js';
import { generated } from '../helpers/media.js';
import { delayedCuts, sceneMedia } from '../helpers/scenes.js';

/** 20 s at 10 fps, each frame a different grey level plus the test pattern's motion; `gop` frames per keyframe. */
function video(gop: number): Promise<string> {
  return generated(`sampling-gop${gop}.mp4`, (out) => [
    '-f',
    'lavfi',
    '-i',
    'testsrc2=s=320x180:r=10:d=20',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-g',
    String(gop),
    '-keyint_min',
    String(gop),
    '-sc_threshold',
    '0',
    '-pix_fmt',
    'yuv420p',
    out,
  ]);
}

const size = { width: 320, height: 180 };

describe('OCR sampling: the sample frames of a video from one ffmpeg pass', () => {
  let ffmpeg: Ffmpeg;
  before(async () => {
    ffmpeg = await Ffmpeg.create();
  });

  test('full decode: the first frame at or after each wanted time, the same pixels a seek gives', async () => {
    const file = await video(50);
    const times = [1.05, 4.0, 9.93, 15.5];
    const got = [];
    for await (const f of sampleFramesRgb(ffmpeg, file, times, size)) got.push(f);
    assert.deepEqual(
      got.map((f) => f.time),
      [1.1, 4.0, 10.0, 15.5],
    );
    for (const f of got) {
      const seek = await readFrameRgb(ffmpeg, file, f.time, size);
      assert.ok(seek && Buffer.from(seek).equals(Buffer.from(f.data)), `frame at ${f.time} s equals the seek's`);
    }
  });

  test('keyframes only: one keyframe per slice; one ffmpeg process for all samples', async () => {
    const file = await video(10);
    const times = sampleTimes(20, 8);
    const args = sampleFramesArgs(file, times, size, true);
    assert.ok(args.includes('nokey'));
    const got = [];
    for await (const f of sampleFramesRgb(ffmpeg, file, times, size, { keyframesOnly: true })) got.push(f.time);
    assert.equal(got.length, 8);
    // Keyframes every second; slice i starts halfway between times i-1 and i.
    got.forEach((t, i) => {
      assert.equal(t % 1, 0, `${t} is a keyframe time`);
      const start = i === 0 ? 0 : (times[i - 1]! + times[i]!) / 2;
      assert.ok(t >= start && t < start + 2.5, `sample ${i} at ${t} s lies in its slice (from ${start} s)`);
    });
  });

  test('24 samples of a video with few keyframes: the slices keyframes miss are decoded exactly', async () => {
    const file = await video(250);
    const times = [];
    for await (const s of sampleFrames(ffmpeg, file, { samples: 24 })) times.push(s.time);
    assert.equal(times.length, 24, 'every slice has its sample');
    const wanted = sampleTimes(20, 24);
    for (const t of times) assert.ok(t === 0 || wanted.some((w) => t >= w - 1e-6 && t < w + 0.1 + 1e-6), `${t}`);
  });

  test('a video whose picture starts 0.42 s into the file: the same samples (frames, pixels) as without the delay', async () => {
    // Keyframes at 0 and 2 s (scene cut): the slice of 1.5 s is read by a seek, which counts from the file's start.
    const times = [1.0, 1.5, 1.9];
    const read = async (file: string) => {
      const got = [];
      for await (const f of sampleFrames(ffmpeg, file, { times })) got.push(f);
      return got;
    };
    const plain = await read(await sceneMedia.cuts());
    const delayed = await read(await delayedCuts());
    assert.deepEqual(
      delayed.map((f) => [f.time, f.frame]),
      plain.map((f) => [f.time, f.frame]),
    );
    assert.ok(
      plain.some((f) => f.time === 1.5),
      'the seek path was taken',
    );
    // The same decoded pictures (the delayed file holds the plain one's H.264 stream as it is). Sought from the
    // file's start, the sample of 1.5 s (frame 38) showed frame 27.
    delayed.forEach((f, k) =>
      assert.ok(Buffer.from(f.image.data).equals(Buffer.from(plain[k]!.image.data)), `the sample of ${f.time} s (frame ${f.frame})`),
    );
  });

  test('an early stop ends the ffmpeg process (the generator returns)', async () => {
    const file = await video(10);
    let n = 0;
    for await (const f of sampleFramesRgb(ffmpeg, file, sampleTimes(20, 24), size)) {
      assert.equal(f.data.length, 320 * 180 * 3);
      if (++n === 2) break;
    }
    assert.equal(n, 2);
  });
});
