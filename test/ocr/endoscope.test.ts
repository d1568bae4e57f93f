import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { detectEndoscopeRegion, insideMask } from '../../core/ocr/endoscope.js';
import type { RgbImage } from '../../core/ocr/image.js';

/** A synthetic frame: ground colour, an image of the given shape with texture and a dark lumen, some text-like bars. */
function frame(w: number, h: number, shape: 'circle' | 'octagon' | 'rectangle' | 'none' | 'white', seed: number, ground = 0): RgbImage {
  const data = new Uint8Array(w * h * 3).fill(ground);
  const cx = w * 0.6,
    cy = h / 2,
    r = h * 0.45;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const dx = Math.abs(x - cx) / r,
        dy = Math.abs(y - cy) / r;
      let inside = false;
      if (shape === 'white') inside = true;
      else if (shape === 'circle') inside = dx * dx + dy * dy <= 1;
      else if (shape === 'octagon') inside = dx <= 1 && dy <= 1 && dx + dy <= 1.6;
      else if (shape === 'rectangle') inside = true;
      if (!inside) continue;
      const i = (y * w + x) * 3;
      const lumen = (x - cx - seed) ** 2 + (y - cy) ** 2 < (r * 0.2) ** 2;
      const v = shape === 'white' ? 250 : lumen ? 5 : 120 + ((x * 7 + y * 13 + seed * 31) % 60);
      data[i] = v;
      data[i + 1] = Math.round(v * 0.5);
      data[i + 2] = Math.round(v * 0.4);
    }
  }
  // Overlay text-like bars on the left.
  for (let y = 20; y < 30; y++) for (let x = 10; x < 80; x += 2) data.fill(230, (y * w + x) * 3, (y * w + x) * 3 + 3);
  return { width: w, height: h, data };
}

describe('endoscope region', () => {
  for (const shape of ['circle', 'octagon'] as const) {
    test(`a ${shape} image beside an overlay is found with its shape and rectangle`, () => {
      const frames = [0, 5, 10, 15].map((s) => frame(640, 360, shape, s));
      const r = detectEndoscopeRegion(frames)!;
      assert.equal(r.shape, shape);
      assert.ok(Math.abs(r.x - (384 - 162)) <= 4 && Math.abs(r.width - 324) <= 6, JSON.stringify(r));
      assert.ok(insideMask(r, 384, 180));
      assert.ok(!insideMask(r, 40, 25), 'the overlay is outside');
    });
  }

  test('a few white-out frames (scope outside the patient) do not turn the whole frame into image', () => {
    const frames = [
      ...[0, 3, 6, 9, 12, 15, 18, 21].map((s) => frame(640, 360, 'circle', s)),
      frame(640, 360, 'white', 0),
      frame(640, 360, 'white', 1),
    ];
    assert.equal(detectEndoscopeRegion(frames)?.shape, 'circle');
  });

  test('a full-frame image is a rectangle; a dark grey ground still separates a round image; black frames give none', () => {
    assert.equal(detectEndoscopeRegion([frame(640, 360, 'rectangle', 0)])?.shape, 'rectangle');
    assert.equal(detectEndoscopeRegion([frame(640, 360, 'circle', 0, 32)])?.shape, 'circle');
    assert.equal(detectEndoscopeRegion([frame(640, 360, 'none', 0)]), null);
    assert.equal(detectEndoscopeRegion([]), null);
  });
});
