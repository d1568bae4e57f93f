import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Ffmpeg } from '../../core/ffmpeg/index.js';
import { CONFIDENCE_THRESHOLDS } from '../../core/ocr/confidence.js';
import { recognitionModel } from '../../core/ocr/models.js';
import { OcrEngine } from '../../core/ocr/pipeline.js';
import { requireEnvironment } from '../helpers/environment.js';
import { CORPUS_FONTS, corpusFrames, missingCorpusFonts, stratifiedSubset, type CorpusFrame } from './corpus/corpus.js';
import { corpusNames } from './corpus/names.js';
import { evaluateFrames, reliabilityTable } from './corpus/evaluate.js';

/**
 * The generated corpus (≥ 300 Latin-script names × 3 fonts × sizes 14–32 px × both polarities, dates in
 * every supported format): a stratified subset here (every 4th frame, ~100 names, < 1 min on 2 cores);
 * `npm run bench` reads all of it and prints the same reliability table.
 */
describe('OCR corpus: Latin-script names and dates', () => {
  let ffmpeg: Ffmpeg;
  let engine: OcrEngine | undefined;
  before(async () => {
    ffmpeg = await Ffmpeg.create();
  });
  after(async () => {
    await engine?.close();
  });

  test('the corpus has ≥ 300 names from ≥ 7 language groups, 3 fonts, sizes 14–32, both polarities', () => {
    const names = corpusNames();
    assert.ok(names.length >= 300, `${names.length} names`);
    assert.ok(new Set(names.map((n) => n.lang)).size >= 7);
    const all = names.map((n) => `${n.last}${n.first}`).join('');
    for (const ch of 'şğıİçöüłąęśźżčřšžěéèêñ') assert.ok(all.includes(ch), `corpus holds ${ch}`);
    const frames = corpusFrames();
    assert.equal(new Set(frames.map((f) => f.font)).size, 3);
    assert.deepEqual(
      [...new Set(frames.map((f) => f.size))].sort((a, b) => a - b),
      [14, 18, 22, 26, 32],
    );
    assert.equal(new Set(frames.map((f) => f.polarity)).size, 2);
    const subset = stratifiedSubset(frames, 4);
    assert.equal(new Set(subset.map((f) => f.font)).size, 3, 'the subset keeps every font');
    assert.equal(new Set(subset.map((f) => f.polarity)).size, 2, 'the subset keeps both polarities');
  });

  test('names exact, dates exact, and confidence that predicts correctness (stratified subset)', async (t) => {
    const model = recognitionModel();
    if (!requireEnvironment(t, model.kind === 'latin', 'Tesseract Latin model (Debian tesseract-ocr-script-latn)')) return;
    const missing = missingCorpusFonts();
    if (!requireEnvironment(t, missing.length === 0, `fonts ${missing.join(', ')} (fonts-liberation2, fonts-freefont-ttf)`)) return;
    engine = await OcrEngine.create();
    const results = await evaluateFrames(ffmpeg, engine, stratifiedSubset(corpusFrames(), 4));
    const names = results.filter((r) => r.kind === 'name');
    const dates = results.filter((r) => r.kind === 'date');
    const nameRate = names.filter((r) => r.correct).length / names.length;
    const table = reliabilityTable(results);
    t.diagnostic(
      `names exact ${(nameRate * 100).toFixed(1)} % of ${names.length}; dates ${dates.filter((r) => r.correct).length}/${dates.length}`,
    );
    t.diagnostic(`reliability: ${table.map((r) => `${r.range}: ${r.right}/${r.fields}`).join(', ')}`);
    assert.ok(names.length >= 80 && dates.length >= 80);
    assert.equal(dates.filter((r) => !r.correct).length, 0, 'every date (all formats, with times) exact');
    // Measured 96.9 % on this subset (3 of 96 wrong: a dotless ı read as i at 14 px, ß read as ßB) and 98.0 %
    // on the whole corpus (`npm run bench`, issue 20's target 98 %).
    assert.ok(nameRate >= 0.96, `names exact ${nameRate}`);
    const sure = results.filter((r) => r.confidence >= CONFIDENCE_THRESHOLDS.sure);
    const sureRight = sure.filter((r) => r.correct).length / Math.max(1, sure.length);
    assert.ok(sureRight >= 0.98, `fields at ≥ ${CONFIDENCE_THRESHOLDS.sure} right ${sureRight}`);
    const wrong = results.filter((r) => !r.correct);
    const wrongFlagged = wrong.filter((r) => r.confidence < CONFIDENCE_THRESHOLDS.likely).length;
    // Issue 20's target: ≥ 90 % of wrong fields below 0.7. Measured 3 of 3 on this subset (the pixels' i dots
    // disagree with an i read for a ı; a capital inside a name word), 6 of 7 on the whole corpus (the miss: ł read
    // as t at 14 px).
    assert.ok(
      wrongFlagged >= Math.ceil(wrong.length * 0.9),
      `${wrongFlagged} of ${wrong.length} wrong fields below ${CONFIDENCE_THRESHOLDS.likely}`,
    );
    // The whole corpus's one miss that was not flagged (ł read as t with full scores at 14 px in FreeSans) and
    // its kin: each is read exactly or flagged below "likely". "Pietrzak, Stanisław" is read "Stanistaw" at every
    // scale; without the t its real t vanishes too ("Sanisław", or "Sanisaw" at one scale), which the swap check
    // must see through (it was 0.95 before).
    const font = CORPUS_FONTS[2];
    const hard = ['Lewandowski, Wiesław', 'Małecka, Łucja', 'Białek, Mateusz', 'Stal, Walter', 'Pietrzak, Stanisław'];
    const frame: CorpusFrame = {
      id: 'slashed-l-14px',
      font,
      size: 14,
      polarity: 'light-on-dark',
      spec: {
        width: 640,
        height: 200,
        background: '0x101010',
        lines: hard.map((text, i) => ({ text, x: 30, y: 20 + i * 32, size: 14, color: 'white', font })),
      },
      items: [],
    };
    frame.items = frame.spec.lines.map((line) => ({ kind: 'name' as const, truth: line.text, line }));
    for (const r of await evaluateFrames(ffmpeg, engine, [frame]))
      assert.ok(r.correct || r.confidence < CONFIDENCE_THRESHOLDS.likely, `${r.truth} read as ${r.read} with confidence ${r.confidence}`);
  });
});
