import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ctcDecode, PpOcrLineRecognizer } from '../../core/ocr/ppocr-recognize.js';
import { unsureReading } from '../../core/anonymize/providers/ocr-reader.js';
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
