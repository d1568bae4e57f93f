import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LineCache } from '../../core/ocr/line-cache.js';
import type { GrayImage } from '../../core/ocr/image.js';

/** A prepared line of one grey level (the fingerprint of two such lines differs when the levels do). */
function flat(value: number): GrayImage {
  return { width: 120, height: 40, data: new Uint8Array(120 * 40).fill(value) };
}

describe('OCR line cache', () => {
  const box = { x: 1280, y: 101, width: 61, height: 31 };

  test('a place whose last reading was empty is taken as empty again, whatever its pixels (tissue texture)', () => {
    const cache = new LineCache();
    assert.equal(cache.emptyAt(box), undefined, 'nothing read there yet');
    cache.remember(box, flat(40), { text: '', confidence: 0.3, alternative: 'ERS' });
    assert.equal(cache.lookup(box, flat(200)), undefined, 'other pixels: no hit by fingerprint');
    assert.equal(cache.emptyAt({ ...box, x: box.x + 2 })?.text, '', 'the same place (boxes overlap ≥ 0.9)');
    assert.equal(cache.emptyAt({ ...box, x: 60 }), undefined, 'another place');
    assert.equal(cache.hits, 1);
  });

  test('a place whose last reading had text is read again when its pixels change (a clock)', () => {
    const cache = new LineCache();
    cache.remember(box, flat(40), { text: '', confidence: 0.3 });
    cache.remember(box, flat(200), { text: '09:52:17', confidence: 0.9 });
    assert.equal(cache.emptyAt(box), undefined);
    assert.equal(cache.hits, 0);
  });
});
