import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { lavfiFrameRgb } from '../helpers/media.js';
import { fusedModel, type FuseCounts } from '../../core/ocr/det-model.js';
import { DetectorThread } from '../../core/ocr/detector-thread.js';
import { recognitionOnnxPath } from '../../core/ocr/models.js';
import { PpOcrLineRecognizer } from '../../core/ocr/ppocr-recognize.js';

const W = 640;
const H = 360;
/** Lines of a few sizes and colours on a busy picture (ffmpeg's test pattern), as the verification reads them. */
const PICTURE = `testsrc2=s=${W}x${H}:d=1,drawtext=text='Name 12.03.1961':fontsize=22:fontcolor=white:x=40:y=60,drawtext=text='ID 4711':fontsize=34:fontcolor=yellow:x=300:y=250,drawtext=text='Jürgen Müller-Weiß':fontsize=16:fontcolor=white:x=8:y=330,drawtext=text='05.11.2024 Endo':fontsize=28:fontcolor=cyan:x=330:y=20`;
/** The lines' boxes with some room (the reader pads its boxes too), and two without text. */
const BOXES = [
  { x: 30, y: 52, width: 220, height: 40 },
  { x: 292, y: 242, width: 140, height: 54 },
  { x: 2, y: 324, width: 200, height: 30 },
  { x: 322, y: 12, width: 260, height: 46 },
  { x: 100, y: 150, width: 180, height: 40 },
  { x: 0, y: 0, width: 40, height: 20 },
];

/**
 * The recogniser's model with its affine steps folded and hardswish as one activation (det-model.ts) reads what the
 * shipped model reads: the same text, confidences and per-character scores within float rounding.
 */
test('the fused line recogniser reads what the shipped one reads', { timeout: 120_000 }, async (t) => {
  const counts: FuseCounts = { convAffine: 0, hardswish: 0, affineIntoConv: 0, affineAsDepthwise: 0 };
  fusedModel(recognitionOnnxPath(), counts);
  // Every place of the shipped graph the rewrite is for (hardswish there has Clip's bounds as attributes).
  assert.deepEqual(counts, { convAffine: 28, hardswish: 28, affineIntoConv: 12, affineAsDepthwise: 13 });

  const { data: rgb } = await lavfiFrameRgb(PICTURE, W, H);
  const img = { width: W, height: H, data: Uint8Array.from(rgb) };
  const [shipped, fused] = await Promise.all([PpOcrLineRecognizer.create(), PpOcrLineRecognizer.create({ fused: true })]);
  t.after(() => Promise.all([shipped.close(), fused.close()]));
  let read = 0;
  for (const box of BOXES) {
    const [a, b] = [await shipped.recognize(img, box), await fused.recognize(img, box)];
    assert.equal(b.text, a.text, `box ${JSON.stringify(box)}`);
    assert.ok(Math.abs(a.confidence - b.confidence) < 1e-3, `confidence ${a.confidence} against ${b.confidence}`);
    const [ca, cb] = [a.chars ?? [], b.chars ?? []];
    assert.equal(cb.length, ca.length);
    for (let i = 0; i < ca.length; i++) {
      assert.ok(Math.abs(ca[i]!.confidence - cb[i]!.confidence) < 1e-3);
      assert.deepEqual(cb[i]!.span, ca[i]!.span);
    }
    if (/1961|4711|Jurgen|2024/.test(a.text)) read++;
  }
  assert.ok(read >= 3, `the lines were read (${read})`);
});

/** The verification reader's detector threads (fused) load the rewritten recogniser, built once into the cache. */
test('a fused detector thread loads the rewritten recogniser from the cache', { timeout: 60_000 }, async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'framewise-rec-cache-'));
  const before = process.env.FRAMEWISE_CACHE_DIR;
  process.env.FRAMEWISE_CACHE_DIR = dir;
  const thread = new DetectorThread({ workers: 1, threads: 1, fused: true });
  t.after(async () => {
    await thread.close();
    if (before === undefined) delete process.env.FRAMEWISE_CACHE_DIR;
    else process.env.FRAMEWISE_CACHE_DIR = before;
    rmSync(dir, { recursive: true, force: true });
  });
  await thread.loadRecognizer();
  const files = readdirSync(dir).filter((f) => f.startsWith('ppocr-rec-'));
  assert.equal(files.length, 1, `cache: ${readdirSync(dir).join(', ')}`);
  assert.match(files[0]!, /^ppocr-rec-fused-v\d+-\d+-\d+\.onnx$/);
});
