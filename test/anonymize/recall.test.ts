import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createOcrFrameReader } from '../../core/anonymize/providers/ocr-reader.js';
import { CORPUS_1080, measureRecall, recallBreakdown, recallBySize, type CorpusPacking } from './recall-corpus.js';

/**
 * The verification reader's recall on a generated corpus (recall-corpus.ts): fonts, sizes 14–40 px, colours,
 * boxes, inside and outside the image. Every patient token of at least 16 px must be found in ≥ 99 % of
 * cases (the same fuzzy match verification uses).
 */
// Tesseract alone found 89.8 % (97/108 on 2026-11-30): light text on the coloured texture inside the image was
// lost at binarisation. With PP-OCR's scene-text line recogniser (Tesseract too where PP-OCR is unsure) the
// reader found 106/108 = 98.1 % on 2026-12-01 (corpus v2, six colours): missed were a 28 px name in a box
// next to a grey bar (the detector finds it at full scale, not at 960 px) and an 18 px pink date on orange
// stripes that people barely see. Both came back from the 960 px detection as weak fragments (the name: two
// 9 px pieces, the bright bar beside it outshone it; the date: its middle, 0.82): detected again in a crop
// around the fragment scaled up ×2 (providers/zoom.ts) both are found whole and read, 108/108 on 2026-12-01.
// Packed (several cases a frame, at random places): one frame per case read 108/108 at 720p and 107/108 at
// 1080p, but six to a frame read 106–107/108, so those figures were luck of the exact pixels. Misses then: lines
// crossing onto a ground their letters barely differ from, whose box ended early ('.07.2001', 'chneidel'); PP-OCR
// now reads each line with 0.6 of its height added on either side (reader-recall.test.ts). On 2026-12-01 the
// 1080p corpus (0.5 scale for detection: the harder layout) packed 6 a frame read 324/324 (seed 2, 360 cases);
// seed 1 (216 cases) lost two tokens the 960 px detection does not see at all (16 px condensed peach on
// orange/green, 18 px pink on a magenta checkerboard); 720p read 194/194 (seed 1) and 324/324 (seed 2).
// 360 cases in 60 frames cost about half of the 120 frames of one case each (≈ 70 vs 134 CPU-s).
// Those lines (probability < 0.01 all over them) are found at full scale: a cheap screen of the pixels for short
// bands of glyphs no box covers picks crops for a full-scale detection (providers/small-text.ts). On 2026-12-01
// 1080p read 193/194 (seed 1) and 324/324 (seed 3), the full-scale crops costing 1.6 % of the detector's pixels
// (a budget of 5 % keeps moving texture from costing more); left: the 18 px pink date inside the magenta
// checkerboard (texture around it: no band of its own). This test reads seed 1 (216 cases: the arrangement with the
// misses; cheaper than 360; 192/194 < 99 % without the screen).
// Issue 10's target is 99 %.
const RECALL_FLOOR = 0.99;
const PACKING: CorpusPacking = { perFrame: 6, seed: 1 };
const CASES = 216;
test('reader recall on the generated corpus (1080p, 216 cases 6 a frame): patient tokens ≥ 16 px found (≥ 99 %)', async (t) => {
  const reader = await createOcrFrameReader();
  try {
    const r = await measureRecall(reader, CASES, CORPUS_1080, PACKING);
    t.diagnostic(`found ${r.found16}/${r.shown16} tokens ≥ 16 px (all sizes: ${r.found}/${r.shown}); by size: ${recallBySize(r)}`);
    for (const line of recallBreakdown(r)) t.diagnostic(line);
    const describe = (c: (typeof r.missed)[number]) =>
      `#${c.index} (frame ${c.frame}) ${c.field} ${c.size}px ${c.font} ${c.colour}${c.box ? ' box' : ''} ${c.inside ? 'inside' : 'outside'} at ${c.x},${c.y}`;
    if (r.missed.length) t.diagnostic(`missed (all sizes): ${r.missed.map(describe).join('; ')}`);
    assert.ok(
      r.recall16 >= RECALL_FLOOR,
      `recall ${(r.recall16 * 100).toFixed(1)} % (${r.found16}/${r.shown16}); missed ≥ 16 px: ${r.missed
        .filter((c) => c.size >= 16)
        .map(describe)
        .join('; ')}`,
    );
  } finally {
    await reader.close();
  }
});
