import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Ffmpeg } from '../../core/ffmpeg/index.js';
import { OcrEngine, runOcr, runOcrOnImage } from '../../core/ocr/pipeline.js';
import { overlayMedia } from './overlay-media.js';
import { circle, layoutCases as cases, octagon } from './layout-cases.js';

describe('OCR on generated layouts', () => {
  let ffmpeg: Ffmpeg;
  let engine: OcrEngine;
  before(async () => {
    ffmpeg = await Ffmpeg.create();
    engine = await OcrEngine.create();
  });
  after(async () => {
    await engine?.close();
  });

  for (const c of cases) {
    test(`reads every field exactly: ${c.name}`, async () => {
      const file = await overlayMedia(c.name, c.spec);
      const r = await runOcrOnImage(ffmpeg, file, { engine, today: new Date('2026-01-01T00:00:00Z') });
      const got = Object.fromEntries(Object.entries(r.fields).map(([k, v]) => [k, v.value]));
      for (const [k, v] of Object.entries(c.truth)) assert.equal(got[k], v, `${c.name}: ${k}`);
      for (const [k, f] of Object.entries(r.fields)) {
        assert.ok(f.confidence > 0 && f.confidence <= 1, `${k} confidence in (0,1]`);
        assert.ok(f.box.width > 0 && f.box.height > 0, `${k} has a box`);
      }
      // The endoscope image is found with its shape.
      assert.ok(r.endoscope, 'endoscope region');
      assert.equal(r.endoscope.shape, c.spec.endoscope!.shape);
      const e = c.spec.endoscope!;
      assert.ok(
        Math.abs(r.endoscope.x - e.x) <= 8 && Math.abs(r.endoscope.width - e.size) <= 16,
        `region ${JSON.stringify(r.endoscope)} vs ${JSON.stringify(e)}`,
      );
    });
  }

  test('a video with no text gives no fields and no text regions', async () => {
    const file = await overlayMedia('no-text', { endoscope: circle, lines: [], duration: 3 });
    const r = await runOcr(ffmpeg, file, { engine, samples: 4 });
    assert.equal(r.sampledFrames.length, 4);
    assert.deepEqual(r.fields, {});
    assert.equal(r.regions.filter((g) => !g.insideEndoscope).length, 0);
    assert.equal(r.endoscope?.shape, 'circle');
    assert.equal(r.detections, 4, 'no overlay line found yet: the detector runs on every sample');
  });

  test('a black video is skipped as blank: nothing read, nothing invented', async () => {
    const file = await overlayMedia('black', { lines: [], duration: 2 });
    const r = await runOcr(ffmpeg, file, { engine, samples: 3 });
    assert.equal(r.sampledFrames.length, 0);
    assert.equal(r.skippedBlank, 3);
    assert.deepEqual(r.fields, {});
    assert.equal(r.endoscope, null);
  });

  test('two unlabelled dates without a time: the older is the birth date, both with reduced confidence', async () => {
    const file = await overlayMedia('two-dates', {
      endoscope: circle,
      lines: [
        { text: '14.02.1979', x: 800, y: 60 },
        { text: '03.11.2023', x: 800, y: 110 },
      ],
    });
    const r = await runOcrOnImage(ffmpeg, file, { engine, today: new Date('2026-01-01T00:00:00Z') });
    assert.equal(r.fields.examination_date?.value, '2023-11-03');
    assert.equal(r.fields.dob?.value, '1979-02-14');
    assert.ok(r.fields.dob!.confidence < 0.7, 'dob by plausibility only: low confidence');
    assert.ok(r.fields.examination_date!.confidence < 0.8);
    assert.equal(r.fields.last_name, undefined);
  });

  test('a stable overlay in a video: fields voted across samples, regions marked stable', async () => {
    const file = await overlayMedia('video-overlay', {
      endoscope: octagon,
      duration: 4,
      lines: [
        { text: 'Name: Groß, Mareike', x: 30, y: 30 },
        { text: 'geb. 30.04.1970', x: 30, y: 75 },
        { text: '2025-03-14 09:05', x: 30, y: 120 },
      ],
    });
    const progress: number[] = [];
    const r = await runOcr(ffmpeg, file, { engine, samples: 4, onProgress: (f) => progress.push(f) });
    assert.equal(r.sampledFrames.length, 4);
    assert.equal(r.fields.last_name?.value, 'Groß');
    assert.equal(r.fields.first_name?.value, 'Mareike');
    assert.equal(r.fields.dob?.value, '1970-04-30');
    assert.equal(r.fields.examination_date?.value, '2025-03-14');
    assert.equal(r.fields.last_name?.votes, 4);
    assert.ok(r.linesReused >= 6, 'the still overlay is read once per line, then recognised by its pixels');
    assert.equal(r.detections, 2, 'the burned-in overlay: boxes found on samples 1 and 3 serve the others');
    assert.ok(r.fields.dob!.crop.subarray(1, 4).toString() === 'PNG', 'crop is a PNG');
    const overlay = r.regions.filter((g) => !g.insideEndoscope);
    assert.ok(overlay.length >= 3 && overlay.every((g) => g.stable && g.frames === 4));
    assert.ok(progress.length >= 4 && progress.at(-1) === 1);
  });
});
