import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Ffmpeg } from '../../core/ffmpeg/index.js';
import { OcrEngine, runOcr, runOcrOnImage } from '../../core/ocr/pipeline.js';
import type { PatientField } from '../../core/patient/fields.js';
import { overlayMedia, type OverlaySpec } from './overlay-media.js';

/** Generated frames in other processors' layouts, with their truth. */
interface Case {
  name: string;
  spec: OverlaySpec;
  truth: Partial<Record<PatientField, string>>;
}

const circle = { shape: 'circle' as const, x: 40, y: 80, size: 560 };
const octagon = { shape: 'octagon' as const, x: 660, y: 100, size: 560 };

const cases: Case[] = [
  {
    name: 'top-right-umlauts',
    spec: {
      endoscope: circle,
      lines: [
        { text: 'Müller, Jürgen', x: 900, y: 30 },
        { text: 'geb. 03.07.1961', x: 900, y: 75 },
        { text: '12.05.2023 14:31:08', x: 900, y: 120 },
      ],
    },
    truth: { last_name: 'Müller', first_name: 'Jürgen', dob: '1961-07-03', examination_date: '2023-05-12', examination_time: '14:31:08' },
  },
  {
    name: 'bottom-labelled',
    spec: {
      endoscope: octagon,
      lines: [
        { text: 'Name: Schäfer, Anna-Lena', x: 30, y: 600 },
        { text: 'DOB: 1985-11-23', x: 30, y: 640 },
        { text: 'Fall: 20231234', x: 30, y: 680 },
        { text: 'Datum: 2024/01/09 08:15', x: 330, y: 680 },
      ],
    },
    truth: { last_name: 'Schäfer', first_name: 'Anna-Lena', dob: '1985-11-23', examination_date: '2024-01-09', examination_time: '08:15', casenumber: '20231234' },
  },
  {
    name: 'two-digit-year-and-slashes',
    spec: {
      endoscope: circle,
      lines: [
        { text: 'Pat.: Weiß, Günther', x: 700, y: 40 },
        { text: '* 07.03.58', x: 700, y: 90 },
        { text: '28/02/2022 10:02', x: 700, y: 140 },
        { text: 'Pat-ID: A-77812', x: 700, y: 190 },
      ],
    },
    truth: { last_name: 'Weiß', first_name: 'Günther', dob: '1958-03-07', examination_date: '2022-02-28', examination_time: '10:02', casenumber: 'A-77812' },
  },
  {
    name: 'small-14px',
    spec: {
      endoscope: octagon,
      lines: [
        { text: 'Öztürk, Jörg', x: 24, y: 24, size: 14 },
        { text: 'geb. 19.09.1990', x: 24, y: 44, size: 14 },
        { text: '2021-06-30 16:45', x: 24, y: 64, size: 14 },
      ],
    },
    truth: { last_name: 'Öztürk', first_name: 'Jörg', dob: '1990-09-19', examination_date: '2021-06-30' },
  },
  {
    name: 'low-contrast',
    spec: {
      background: '0x202020',
      endoscope: circle,
      lines: [
        { text: 'Köhler, Björn', x: 720, y: 40, color: '0x6a6a6a' },
        { text: 'geb. 01.12.1944', x: 720, y: 85, color: '0x6a6a6a' },
        { text: '05.10.2020 11:11', x: 720, y: 130, color: '0x6a6a6a' },
      ],
    },
    truth: { last_name: 'Köhler', first_name: 'Björn', dob: '1944-12-01', examination_date: '2020-10-05' },
  },
];

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
      assert.ok(Math.abs(r.endoscope.x - e.x) <= 8 && Math.abs(r.endoscope.width - e.size) <= 16, `region ${JSON.stringify(r.endoscope)} vs ${JSON.stringify(e)}`);
    });
  }

  test('a video with no text gives no fields and no text regions', async () => {
    const file = await overlayMedia('no-text', { endoscope: circle, lines: [], duration: 3 });
    const r = await runOcr(ffmpeg, file, { engine, samples: 4 });
    assert.equal(r.sampledFrames.length, 4);
    assert.deepEqual(r.fields, {});
    assert.equal(r.regions.filter((g) => !g.insideEndoscope).length, 0);
    assert.equal(r.endoscope?.shape, 'circle');
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
    assert.ok(r.fields.dob!.crop.subarray(1, 4).toString() === 'PNG', 'crop is a PNG');
    const overlay = r.regions.filter((g) => !g.insideEndoscope);
    assert.ok(overlay.length >= 3 && overlay.every((g) => g.stable && g.frames === 4));
    assert.ok(progress.length >= 4 && progress.at(-1) === 1);
  });
});
