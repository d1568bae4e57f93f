import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lavfiFrameRgb } from '../helpers/media.js';
import { DetectorThread } from '../../core/ocr/detector-thread.js';
import { rgbCrop } from '../../core/ocr/image.js';

/**
 * The detector's threads read rectangles of a frame in shared memory without a copy (frame-stream.ts gives such
 * frames): each rectangle's boxes must be those of the rectangle cropped out and detected alone, whichever of the
 * threads answers, and a frame in ordinary memory is cropped and copied as before.
 */
test(
  "the detector's threads find in a shared frame's rectangles what they find in the rectangles cropped out",
  { timeout: 120_000 },
  async (t) => {
    const W = 640;
    const H = 360;
    // Text of a few sizes on a busy picture (ffmpeg's test pattern), as packed RGB.
    const { data: rgb } = await lavfiFrameRgb(
      `testsrc2=s=${W}x${H}:d=1,drawtext=text='Name 12.03.1961':fontsize=22:fontcolor=white:x=40:y=60,drawtext=text='ID 4711':fontsize=34:fontcolor=yellow:x=300:y=250`,
      W,
      H,
    );
    const shared = new Uint8Array(new SharedArrayBuffer(W * H * 3));
    shared.set(rgb);
    const frame = { width: W, height: H, data: shared };
    const plain = { width: W, height: H, data: Uint8Array.from(rgb) };
    const d = new DetectorThread({ workers: 2, threads: 1 });
    t.after(() => d.close());
    const rects = [
      { x: 20, y: 40, width: 320, height: 64 },
      { x: 280, y: 224, width: 224, height: 96 },
      { x: 0, y: 0, width: W, height: H },
      { x: 33, y: 17, width: 129, height: 65 },
    ];
    let found = 0;
    for (const side of [960, 160]) {
      const [inShared, inPlain, alone] = await Promise.all([
        Promise.all(rects.map((r) => d.detect(frame, { maxSide: side }, r))),
        Promise.all(rects.map((r) => d.detect(plain, { maxSide: side }, r))),
        Promise.all(rects.map((r) => d.detect(rgbCrop(plain, r), { maxSide: side }))),
      ]);
      assert.deepEqual(inShared, alone, `maxSide ${side}`);
      assert.deepEqual(inPlain, alone, `maxSide ${side}`);
      found += alone.flat().length;
    }
    assert.ok(found >= 4, `the text was found (${found} boxes)`);
  },
);

/**
 * Line recognition goes to the first thread only, however busy it is: the other thread never loads PP-OCR's
 * recogniser (a second model load and warm-up per verification for a few dozen lines).
 */
test('lines are recognised in one of the detector threads only', { timeout: 120_000 }, async (t) => {
  const W = 320;
  const H = 96;
  const { data: rgb } = await lavfiFrameRgb(
    `color=c=gray:s=${W}x${H}:d=1,drawtext=text='Name 12.03.1961':fontsize=28:fontcolor=white:x=20:y=30`,
    W,
    H,
  );
  const img = { width: W, height: H, data: Uint8Array.from(rgb) };
  const d = new DetectorThread({ workers: 2, threads: 1 });
  t.after(() => d.close());
  const box = { x: 10, y: 22, width: 300, height: 44 };
  // Both threads kept busy with detections while lines are asked for: the least busy thread would get some of them.
  const work = await Promise.all(
    Array.from({ length: 6 }, (_, i) => (i % 2 ? d.recognizeLines(img, [box]) : d.detect(img, { maxSide: 320 }).then(() => []))),
  );
  assert.ok(
    work.flat().some((l) => /1961/.test(l.text)),
    'the line was read',
  );
  assert.deepEqual(await d.recognizersLoaded(), [true, false]);
});

/**
 * Requests wait in one queue and go to whichever thread is free (detector-thread.ts POST_AHEAD_MS): short requests
 * asked for after a long one are run by the other thread meanwhile, none held behind the long one. Posted at once to
 * the thread with the fewest waiting (as before), half of them waited for the long one.
 */
test(
  'short detections asked for after a long one are run by the free thread, not queued behind the long one',
  { timeout: 120_000 },
  async (t) => {
    const W = 1920;
    const H = 1088;
    const { data: rgb } = await lavfiFrameRgb(`testsrc2=s=${W}x${H}:d=1`, W, H);
    const big = { width: W, height: H, data: Uint8Array.from(rgb) };
    const small = rgbCrop(big, { x: 0, y: 0, width: 64, height: 32 });
    const d = new DetectorThread({ workers: 2, threads: 1 });
    t.after(() => d.close());
    // Both threads loaded and warm.
    await Promise.all([d.detect(small), d.detect(small), d.detect(small), d.detect(small)]);
    const order: string[] = [];
    const long = d.detect(big, { maxSide: 1920 }).then(() => order.push('long'));
    const shorts = Array.from({ length: 6 }, (_, i) => d.detect(small, { maxSide: 64 }).then(() => order.push(`short ${i}`)));
    await Promise.all([long, ...shorts]);
    assert.equal(order[order.length - 1], 'long', order.join(', '));
  },
);

test('the line recogniser can be loaded before the first line (in the first thread only)', { timeout: 120_000 }, async (t) => {
  const d = new DetectorThread({ workers: 2, threads: 1 });
  t.after(() => d.close());
  assert.deepEqual(await d.recognizersLoaded(), [false, false]);
  await d.loadRecognizer();
  assert.deepEqual(await d.recognizersLoaded(), [true, false]);
});
