import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createOcrFrameReader } from '../../core/anonymize/providers/ocr-reader.js';
import { measureRecall, recallBreakdown } from './recall-corpus.js';

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
// Issue 10's target is 99 %.
const RECALL_FLOOR = 0.99;
test('reader recall on the generated corpus: patient tokens ≥ 16 px found (≥ 99 %)', async (t) => {
  const reader = await createOcrFrameReader();
  try {
    const r = await measureRecall(reader, 120);
    for (const line of recallBreakdown(r)) t.diagnostic(line);
    const missed = r.missed.map(
      (c) => `#${c.index} ${c.field} ${c.size}px ${c.font} ${c.colour}${c.box ? ' box' : ''} ${c.inside ? 'inside' : 'outside'}`,
    );
    assert.ok(
      r.recall16 >= RECALL_FLOOR,
      `recall ${(r.recall16 * 100).toFixed(1)} % (${r.found16}/${r.shown16}); missed: ${missed.join('; ')}`,
    );
  } finally {
    await reader.close();
  }
});
