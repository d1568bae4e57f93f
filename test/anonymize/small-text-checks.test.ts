import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createOcrFrameReader } from '../../core/anonymize/providers/ocr-reader.js';
import { SmallTextChecks } from '../../core/anonymize/providers/small-text-checks.js';
import { orangeFrame1080 } from '../helpers/media.js';

const W = 640;
const H = 360;

function orange(): { width: number; height: number; data: Uint8Array } {
  const data = new Uint8Array(W * H * 3);
  for (let i = 0; i < data.length; i += 3) data.set([228, 160, 99], i);
  return { width: W, height: H, data };
}

test('small-text checks: a crop one detection saw, in the same state, gets its boxes again; changed or unseen pixels do not', () => {
  const checks = new SmallTextChecks();
  const img = orange();
  const crop = { x: 96, y: 64, width: 192, height: 32 };
  const found = [{ x: 120, y: 70, width: 100, height: 18, score: 0.8 }];
  assert.equal(checks.lookup(img, crop), undefined);
  checks.record(img, crop, found);
  assert.deepEqual(checks.lookup(img, crop), found);
  // A crop inside it (another read's area cuts it): the detector saw those pixels with more around them.
  assert.deepEqual(checks.lookup(img, { x: 128, y: 64, width: 96, height: 32 }), found);
  // Reaching past it: pixels no detection saw at full scale.
  assert.equal(checks.lookup(img, { x: 128, y: 64, width: 192, height: 32 }), undefined);
  // Codec noise (a few levels everywhere) is the same state; a few strokes of text are not.
  for (let i = 0; i < img.data.length; i += 3) img.data[i] = img.data[i]! + 3;
  assert.deepEqual(checks.lookup(img, crop), found);
  for (let x = 200; x < 204; x++) img.data.set([255, 128, 128], (80 * W + x) * 3);
  assert.equal(checks.lookup(img, crop), undefined);
  // Seen in parts by two detections: neither saw it whole.
  const img2 = orange();
  const two = new SmallTextChecks();
  two.record(img2, { x: 0, y: 0, width: 96, height: 32 }, []);
  two.record(img2, { x: 96, y: 0, width: 96, height: 32 }, []);
  assert.equal(two.lookup(img2, { x: 64, y: 0, width: 64, height: 32 }), undefined);
  assert.deepEqual(two.lookup(img2, { x: 96, y: 0, width: 64, height: 32 }), []);
});

/** A 1080p frame with a 16 px line the reader's scaled detection (0.5) does not see at all, only its small-text screen. */
function faintLine(): Promise<{ width: number; height: number; data: Uint8Array }> {
  const font = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
  return orangeFrame1080(`drawtext=fontfile=${font}:text=Okonkwo Chidera:x=700:y=500:fontsize=16:fontcolor=0xf0b080`);
}

test('reader: small text skipped for the budget is detected when read again; seen once, it is not detected again from another area', async () => {
  const frame = await faintLine();
  const reader = await createOcrFrameReader();
  const named = (lines: Array<{ text: string; alternatives?: string[] }>) =>
    lines.some((l) => [l.text, ...(l.alternatives ?? [])].some((t) => /okonkwo/i.test(t)));
  try {
    // A small area first: its 5 % budget is a few hundred pixels, the line's crop several thousand — skipped.
    const first = await reader.read(frame, undefined, { x: 640, y: 480, width: 256, height: 64 });
    assert.equal(reader.stats.smallTextSkipped, 1);
    assert.equal(reader.stats.smallTextDetects, 0);
    assert.equal(named(first), false);
    // Not recorded as checked: the whole frame's read (budget enough now) detects it.
    assert.equal(named(await reader.read(frame)), true);
    assert.equal(reader.stats.smallTextDetects, 1);
    // Another area around the same, unchanged pixels: the detection's boxes again, no second detection.
    const again = await reader.read(frame, undefined, { x: 624, y: 452, width: 368, height: 124 });
    assert.equal(named(again), true);
    assert.equal(reader.stats.smallTextDetects, 1);
    assert.equal(reader.stats.smallTextReused, 1);
  } finally {
    await reader.close();
  }
});
