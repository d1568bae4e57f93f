import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ctcDecode, PpOcrLineRecognizer } from '../../core/ocr/ppocr-recognize.js';
import { unsureReading } from '../../core/anonymize/providers/ocr-reader.js';
import { MAX_ZOOMS, mergeZoomed, ZoomCache, zoomCrops, zoomedCrop } from '../../core/anonymize/providers/zoom.js';
import { findTokensInReadings, patientTokens } from '../../core/anonymize/tokens.js';
import { patientFieldsSchema } from '../../core/anonymize/types.js';

test('CTC decoding collapses repeats, drops blanks and keeps a doubled letter split by a blank', () => {
  const chars = ['', 'a', 'n', ' '];
  // steps: a a _ n _ n a  →  "anna"
  const best = [1, 1, 0, 2, 0, 2, 1];
  const probs = new Float32Array(best.length * chars.length);
  best.forEach((c, t) => (probs[t * chars.length + c] = 0.9));
  const r = ctcDecode(probs, best.length, chars.length, chars);
  assert.equal(r.text, 'anna');
  assert.equal(r.chars?.length, 4);
  assert.ok(Math.abs(r.confidence - 0.9) < 1e-6);
});

test('the recogniser input keeps the aspect ratio at 48 px and is normalised to -1..1 (BGR)', () => {
  const img = { width: 100, height: 20, data: new Uint8Array(100 * 20 * 3) };
  for (let i = 0; i < img.data.length; i += 3) img.data[i] = 255; // pure red
  const t = PpOcrLineRecognizer.tensor(img, { x: 0, y: 0, width: 100, height: 20 });
  assert.equal(t.width, 240);
  const plane = 48 * t.width;
  assert.equal(t.data[0], -1); // blue plane first
  assert.equal(t.data[2 * plane], 1); // red plane last
});

test('Tesseract reads a line too only when PP-OCR read Latin text unsurely', () => {
  assert.equal(unsureReading({ text: 'Schneider', confidence: 0.97 }), false);
  assert.equal(unsureReading({ text: 'Schneidr', confidence: 0.6 }), true);
  assert.equal(unsureReading({ text: 'Sch书eider', confidence: 0.95 }), true);
  // Texture read as Chinese or as one stray letter: not text, not read twice.
  assert.equal(unsureReading({ text: '福国路', confidence: 0.3 }), false);
  assert.equal(unsureReading({ text: 'a', confidence: 0.4 }), false);
});

test('a patient token in either reading of a line is found', () => {
  const tokens = patientTokens(
    patientFieldsSchema.parse({ first_name: 'Jürgen', last_name: 'Müller', dob: '1961-03-12', examination_date: null }),
  );
  assert.deepEqual(
    findTokensInReadings(['Banel', 'Jurgen'], tokens).map((h) => h.field),
    ['first_name'],
  );
  assert.deepEqual(
    findTokensInReadings(['12.03.1961 Muller', 'x'], tokens)
      .map((h) => h.field)
      .sort(),
    ['dob', 'last_name'],
  );
  assert.equal(findTokensInReadings(['Anna', 'Berg'], tokens).length, 0);
});

test('weak fragments get a closer look: crops around them (merged, at most MAX_ZOOMS), sure lines none', () => {
  const sure = { x: 100, y: 100, width: 200, height: 30, score: 0.97 };
  assert.deepEqual(zoomCrops([sure], 1280, 720, 12), []);
  // The 28 px name beside the grey bar came back as two 9 px pieces: one crop for both, wide enough for the line.
  const crops = zoomCrops(
    [sure, { x: 659, y: 555, width: 17, height: 9, score: 0.67 }, { x: 683, y: 555, width: 11, height: 8, score: 0.65 }],
    1280,
    720,
    12,
  );
  assert.equal(crops.length, 1);
  const c = crops[0]!;
  assert.ok(c.x <= 574 && c.x + c.width >= 720 && c.y <= 546 && c.y + c.height >= 574, JSON.stringify(c));
  const many = Array.from({ length: 20 }, (_, i) => ({ x: (i % 5) * 250, y: Math.floor(i / 5) * 180, width: 20, height: 14, score: 0.7 }));
  assert.ok(zoomCrops(many, 1280, 720, 12).length <= MAX_ZOOMS);
  // A weak blob taller than small text (a checkerboard's edge on moving texture) gets no closer look.
  const blob = { x: 600, y: 300, width: 47, height: 115, score: 0.79 };
  assert.equal(zoomCrops([blob], 1280, 720, 12).length, 1);
  assert.deepEqual(zoomCrops([blob], 1280, 720, 12, 40), []);
  // What a closer look found replaces the fragments it covers; other boxes stay.
  const line = { x: 573, y: 546, width: 142, height: 25, score: 0.99 };
  const merged = mergeZoomed([sure, { x: 659, y: 555, width: 17, height: 9, score: 0.67 }], [line, { ...line, width: 140 }]);
  assert.deepEqual(merged, [sure, line]);
  // A sure line that a crop taken for a fragment nearby cut at its edge stays whole beside the cut piece (the
  // 36 px date at 720p read "09.1990" after the closer look); one that the closer look found whole is replaced.
  const date = { x: 778, y: 554, width: 198, height: 39, score: 0.98 };
  const cut = { x: 845, y: 557, width: 190, height: 38, score: 0.99 };
  assert.deepEqual(mergeZoomed([date], [cut], 12), [date, cut]);
  const whole = { x: 776, y: 553, width: 201, height: 41, score: 0.99 };
  assert.deepEqual(mergeZoomed([date], [whole], 12), [whole]);
});

test('zoomed crops map back to frame pixels; an unchanged crop is not looked at again, a changed one is', () => {
  const img = { width: 64, height: 48, data: new Uint8Array(64 * 48 * 3).fill(90) };
  const crop = { x: 8, y: 4, width: 40, height: 20 };
  const z = zoomedCrop(img, crop);
  assert.deepEqual([z.image.width, z.image.height], [80, 40]);
  assert.deepEqual(z.back({ x: 10, y: 20, width: 30, height: 10, score: 1 }), { x: 13, y: 14, width: 15, height: 5, score: 1 });
  const cache = new ZoomCache();
  const first = cache.lookup(img, crop);
  assert.equal(first.hit, undefined);
  cache.remember(crop, first.print, []);
  assert.deepEqual(cache.lookup(img, crop).hit, []);
  // A pink line on the same ground: only the red channel barely changes, green and blue do.
  for (let y = 10; y < 16; y++) for (let x = 12; x < 40; x++) img.data.set([100, 40, 40], (y * 64 + x) * 3);
  assert.equal(cache.lookup(img, crop).hit, undefined);
});
