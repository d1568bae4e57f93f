import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Ffmpeg } from '../../core/ffmpeg/index.js';
import { readFrameRgb } from '../../core/ffmpeg/raw-frame.js';
import { dotsAgree, dottedStrokes } from '../../core/ocr/glyph-check.js';
import { confusableSwapsOnly, swappedReading, swappedWord } from '../../core/ocr/pipeline.js';
import { prepareLine } from '../../core/ocr/recognize.js';
import { CORPUS_FONTS, missingCorpusFonts } from './corpus/corpus.js';
import { overlayMedia } from './overlay-media.js';
import { requireEnvironment } from '../helpers/environment.js';

/** One line of text at 14 px (where the recogniser loses the dots), prepared as the recogniser sees it. */
async function line(ffmpeg: Ffmpeg, text: string, font: string) {
  const width = 260;
  const height = 26;
  const file = await overlayMedia(
    `glyph-${Buffer.from(text + font)
      .toString('hex')
      .slice(0, 40)}`,
    {
      width,
      height,
      background: '0x101010',
      lines: [{ text, x: 6, y: 5, size: 14, color: 'white', font }],
    },
  );
  const data = await readFrameRgb(ffmpeg, file, 0, { width, height });
  assert.ok(data);
  return prepareLine({ width, height, data }, { x: 0, y: 0, width, height });
}

describe('glyph check: the dots of i and ı counted in the pixels', () => {
  let ffmpeg: Ffmpeg;
  before(async () => {
    ffmpeg = await Ffmpeg.create();
  });
  test('dotless ı has no dot, i has one, in all three corpus fonts at 14 px', async (t) => {
    const missing = missingCorpusFonts();
    if (!requireEnvironment(t, missing.length === 0, `fonts ${missing.join(', ')}`)) return;
    for (const font of CORPUS_FONTS) {
      const dotless = await line(ffmpeg, 'Kılıç, Ilgın', font);
      const dotted = await line(ffmpeg, 'Kilic, Ilgin', font);
      assert.equal(dottedStrokes(dotless), 0, `${font}: no dotted stroke in "Kılıç, Ilgın"`);
      assert.equal(dottedStrokes(dotted), 3, `${font}: three dotted strokes in "Kilic, Ilgin"`);
      assert.equal(dotsAgree(dotless, 'Kiliç, Ilgin'), false, 'an i read for a ı disagrees with the pixels');
      assert.equal(dotsAgree(dotless, 'Kılıç, Ilgın'), true);
      assert.equal(dotsAgree(dotted, 'Kilic, Ilgin'), true);
      assert.equal(dotsAgree(dotted, 'Kılıc, Ilgın'), false);
    }
  });

  test('a third reading counts only where it swaps t and ł', () => {
    assert.equal(confusableSwapsOnly('Lewandowski, Wiestaw', 'Lewandowski, Wiesław'), true);
    assert.equal(confusableSwapsOnly('Małecka', 'Matecka'), true);
    assert.equal(confusableSwapsOnly('Walter', 'Walter'), false, 'no difference');
    assert.equal(confusableSwapsOnly('Walter', 'Walker'), false, 'another letter changed');
    assert.equal(confusableSwapsOnly('Wiestaw', 'Wiesław.'), false, 'another length');
    // A real t elsewhere in the line (gone without the t) does not hide the word with the swap.
    assert.equal(swappedWord('Pietrzak, Stanistaw', 'Pierzak, Stanisław'), true);
    assert.equal(swappedWord('Pietrzak, Walter', 'Pierzak, Walrer'), false);
    // The real t of the same word lost too (white "Pietrzak, Stanisław" at 14 px in FreeSans), or marked (ť).
    assert.equal(swappedReading('Pietrzak, Stanistaw', 'Pierzak, Sanisław'), 'Pietrzak, Stanisław');
    assert.equal(swappedReading('Pietrzak, Stanistaw', 'Piețrzak, Sťanisław'), 'Pietrzak, Stanisław');
    assert.equal(swappedReading('Pietrzak, Stanistaw', 'Pierzak, Sanisaw'), null, 'every t lost: no swap shown');
    assert.equal(swappedReading('Stal, Walter', 'Sal, Waler'), null);
    assert.equal(swappedReading('Stal, Walter', 'Sal, Walțer'), null);
    assert.equal(swappedReading('Stal, Walter', 'Sal, Walker'), null, 'another letter changed');
  });
});
