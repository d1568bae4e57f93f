import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ctcDecode, PpOcrLineRecognizer } from '../../core/ocr/ppocr-recognize.js';
import { unsureReading, widerReach } from '../../core/anonymize/providers/ocr-reader.js';
import { glyphTiles, smallTextCrops, smallTextCropsIn } from '../../core/anonymize/providers/small-text.js';
import { rgbCrop } from '../../core/ocr/image.js';
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
  // Where each letter was read, as fractions of the line's width: the first a on steps 0–1, the last on step 6.
  assert.deepEqual(r.chars?.[0]?.span, [0, 2 / 7]);
  assert.deepEqual(r.chars?.[3]?.span, [6 / 7, 1]);
});

test("a wider reading's letters widen the line's box as far as they were read, within the padded crop", () => {
  const box = { x: 1205, y: 593, width: 101, height: 37 };
  const padded = { x: 1183, width: 145 };
  const at = (a: number, b: number) => ({ text: '0', confidence: 0.9, span: [a, b] as [number, number] });
  // "04.07.2001" read over the padded crop from 3 % to 85 % of its width (1187–1306, pitch ≈ 12 px): the box grows to
  // the crop's left edge (the first letter less a pitch lies beyond it) and a pitch beyond the last letter.
  const wide = {
    text: '04.07.2001',
    confidence: 0.9,
    chars: [at(0.03, 0.05), ...Array.from({ length: 8 }, (_, i) => at(0.1 + i * 0.09, 0.12 + i * 0.09)), at(0.83, 0.85)],
  };
  const r = widerReach(box, padded, wide);
  assert.deepEqual(r, { left: 22, right: 12 });
  // Without positions (Tesseract's reading): the whole padded crop.
  assert.deepEqual(widerReach(box, padded, { text: '04.07.2001', confidence: 0.9 }), { left: 22, right: 22 });
});

test('small text the scaled detection cannot see: crops around short glyph bands, none for edges, texture or found text', () => {
  const W = 640;
  const H = 360;
  const img = { width: W, height: H, data: new Uint8Array(W * H * 3) };
  const paint = (x0: number, y0: number, x1: number, y1: number, rgb: number[]) => {
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) img.data.set(rgb, (y * W + x) * 3);
  };
  paint(0, 0, W, H, [228, 160, 99]); // orange
  paint(400, 0, W, H, [53, 29, 92]); // a bar: one edge a row
  // "Glyphs": 2 px pink strokes every 5 px, 18 rows — pink on orange, as faint as the corpus's misses.
  for (let x = 200; x < 280; x += 5) paint(x, 100, x + 2, 118, [255, 128, 128]);
  // Texture: the same strokes over a large area of the bar.
  for (let x = 420; x < 620; x += 5) paint(x, 150, x + 2, 350, [168, 58, 122]);
  const crops = smallTextCrops(img, []);
  assert.equal(crops.length, 1, JSON.stringify(crops));
  const c = crops[0]!;
  assert.ok(c.x <= 200 && c.x + c.width >= 280 && c.y <= 100 && c.y + c.height >= 118, JSON.stringify(c));
  assert.equal(c.height % 32, 0);
  // A band a detected box covers is text found already.
  assert.deepEqual(smallTextCrops(img, [{ x: 190, y: 92, width: 100, height: 32 }]), []);
  // Verification reads only what changed: the texture cut to a short read area looks like a band on its own, and is
  // screened with the frame around it; the glyphs in an area come back in the area's pixels.
  const strip = { x: 420, y: 200, width: 200, height: 24 };
  assert.notDeepEqual(smallTextCrops(rgbCrop(img, strip), []), []);
  assert.deepEqual(smallTextCropsIn(img, strip, []), []);
  const area = { x: 150, y: 60, width: 200, height: 100 };
  const [k] = smallTextCropsIn(img, area, []);
  assert.ok(k && k.x <= 50 && k.x + k.width >= 130 && k.y <= 40 && k.y + k.height >= 58, JSON.stringify(k));
  // A rectangle of the frame is screened as if it were cropped out (no copy made): the same tiles, the same crops.
  for (const r of [strip, area, { x: 181, y: 77, width: 259, height: 283 }, { x: 0, y: 0, width: W, height: H }]) {
    assert.deepEqual(glyphTiles(img, r), glyphTiles(rgbCrop(img, r)), JSON.stringify(r));
    assert.deepEqual(smallTextCrops(img, [], r), smallTextCrops(rgbCrop(img, r), []), JSON.stringify(r));
  }
  assert.ok(glyphTiles(img, area).tiles.some((t) => t === 1));
});

test("the glyph screen's shortcuts (calm tiles, busy rows) give the tiles of counting every pixel", () => {
  // Reference: every screened row of every tile counted to its end (small-text.ts's rule without the shortcuts).
  const counted = (img: { width: number; height: number; data: Uint8Array }) => {
    const gw = Math.ceil(img.width / 32);
    const busy = new Uint8Array(gw * Math.ceil(img.height / 8));
    for (let y = 0; y < img.height; y += 2)
      for (let tx = 0; tx < gw; tx++) {
        let steps = 0;
        for (let x = Math.max(1, tx * 32); x < Math.min(img.width - 1, (tx + 1) * 32); x++) {
          const a = (y * img.width + x - 1) * 3;
          const d = Math.max(...[0, 1, 2].map((c) => Math.abs(img.data[a + c]! - img.data[a + 6 + c]!)));
          if (d >= 16) steps++;
        }
        if (steps >= 6) busy[((y / 8) | 0) * gw + tx]!++;
      }
    return Array.from(busy, (b) => (b >= 3 ? 1 : 0));
  };
  // Rows with 0–12 strokes at random, so that tiles get every count of busy rows (0–4); a partial last tile row/column.
  const W = 517;
  const H = 203;
  const img = { width: W, height: H, data: new Uint8Array(W * H * 3) };
  let seed = 7;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
  for (let y = 0; y < H; y++)
    for (let tx = 0; tx * 32 < W; tx++)
      for (let k = rand(13); k > 0; k--) {
        const x = tx * 32 + rand(32);
        if (x < W) img.data.set([rand(256), rand(256), rand(256)], (y * W + x) * 3);
      }
  const tiles = Array.from(glyphTiles(img).tiles);
  assert.deepEqual(tiles, counted(img));
  assert.ok(tiles.filter((t) => t).length > 20 && tiles.filter((t) => !t).length > 20);
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
  // The same crop of an area at (5, 3) of a larger picture: the same pixels, the same place (the area's pixels).
  const larger = { width: 80, height: 60, data: new Uint8Array(80 * 60 * 3).fill(7) };
  for (let y = 0; y < 48; y++) larger.data.set(img.data.subarray(y * 64 * 3, (y + 1) * 64 * 3), ((y + 3) * 80 + 5) * 3);
  assert.deepEqual(cache.lookup(larger, crop, { x: 5, y: 3 }).hit, []);
  assert.equal(cache.lookup(larger, crop, { x: 30, y: 20 }).hit, undefined);
  // A pink line on the same ground: only the red channel barely changes, green and blue do.
  for (let y = 10; y < 16; y++) for (let x = 12; x < 40; x++) img.data.set([100, 40, 40], (y * 64 + x) * 3);
  assert.equal(cache.lookup(img, crop).hit, undefined);
});
