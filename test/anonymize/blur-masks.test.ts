import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { AnonymizeJobOutput } from '../../core/anonymize/job.js';
import { evenCover, videoGraph } from '../../core/ffmpeg/anonymize-render.js';
import { computePlan } from '../../core/anonymize/plan.js';
import { patientTokens } from '../../core/anonymize/tokens.js';
import { anonymizeOptionsSchema, patientFieldsSchema, type AnonymizeOptionsInput } from '../../core/anonymize/types.js';
import { checkFrameText, hiddenMap } from '../../core/anonymize/verify.js';
import { ffmpegPath } from '../helpers/media.js';
import { importAndWait, openTempCore, tempDir } from '../helpers/library.js';
import { endo } from './endoscopy-media.js';
import { adversarial, adversarialVideo } from './adversarial-media.js';
import { ocrEverySecond, patientStringsIn } from './independent-ocr.js';

/**
 * Time-ranged masks (text seen inside the image mid-video) follow the mask style: filled boxes, or a strong blur.
 * Blurred, the text is unreadable to an independent OCR, the picture keeps its colours there, and verification
 * treats a blurred mask exactly as a filled one (text read inside it is a finding).
 */
const execFileAsync = promisify(execFile);
const timedMask = { startFrame: 50, endFrame: 88, rect: { x: 333, y: 161, width: 241, height: 41 }, source: 'scan' as const };

function planWith(options: AnonymizeOptionsInput) {
  return computePlan({
    video: { width: 640, height: 360, fps: { num: 25, den: 1 }, duration: 12, frameCount: 300, audioStreams: 0 },
    region: endo.region,
    textBoxes: [],
    timedMasks: [timedMask],
    segments: [{ startFrame: 125, endFrame: 175, label: 'outside', validated: true }],
    patient: { known: true, verified: true },
    options: anonymizeOptionsSchema.parse(options),
  });
}

test('filtergraph: a blurred time-ranged mask is a strong box blur for its source frames, before the cut', () => {
  const fill = videoGraph(planWith({}), null).join(';');
  assert.match(fill, /drawbox=x=333:y=161:w=241:h=41:color=black:t=fill:enable='between\(n,50,87\)'/);
  assert.doesNotMatch(fill, /boxblur/);

  const blur = videoGraph(planWith({ maskStyle: 'blur' }), null).join(';');
  assert.doesNotMatch(blur, /drawbox=x=333/);
  // Even-aligned and covering the odd rectangle: x 332..574, y 160..202.
  assert.deepEqual(evenCover(timedMask.rect, { width: 640, height: 360 }), { x: 332, y: 160, width: 242, height: 42 });
  assert.match(blur, /crop=242:42:332:160,boxblur=20:3:9:3:enable='between\(n,50,87\)'/);
  assert.match(blur, /overlay=x=332:y=160:enable='between\(n,50,87\)'/);
  // Frame numbers are the source's: the blur comes before the frames of the cut segment are dropped.
  assert.ok(blur.indexOf('boxblur') < blur.indexOf("select='not("), blur);
});

test('verification treats a blurred time-ranged mask like a filled one: text read inside it is a finding', () => {
  const tokens = patientTokens(patientFieldsSchema.parse({ first_name: 'Jürgen', last_name: 'Müller' }));
  const line = { text: 'Kolon', confidence: 0.9, box: { x: 350, y: 170, width: 80, height: 22 }, detectorScore: 0.8 };
  for (const style of ['fill', 'blur'] as const) {
    const plan = planWith({ maskStyle: style });
    const inside = checkFrameText(plan, hiddenMap(plan), tokens, [line], 60).findings;
    assert.deepEqual(
      inside.map((f) => f.check),
      ['masked_text'],
      style,
    );
    assert.deepEqual(checkFrameText(plan, hiddenMap(plan), tokens, [line], 100).findings, [], `${style}: outside its range`);
  }
});

/** Mean luma of a rectangle of the output frame at `time` (a blurred area keeps the picture's brightness). */
async function meanLuma(file: string, time: number, r: { x: number; y: number; width: number; height: number }): Promise<number> {
  const { stdout } = await execFileAsync(
    await ffmpegPath(),
    [
      '-v',
      'error',
      '-ss',
      String(time),
      '-i',
      file,
      '-frames:v',
      '1',
      '-vf',
      `crop=${r.width}:${r.height}:${r.x}:${r.y},format=gray`,
      '-f',
      'rawvideo',
      '-',
    ],
    { encoding: 'buffer', maxBuffer: 1 << 24 },
  );
  const px = stdout as Buffer;
  return px.reduce((a, v) => a + v, 0) / Math.max(1, px.length);
}

test('adversarial clip with --mask-style blur: masked by blurring for each text range, verified, nothing readable', async () => {
  const file = await adversarialVideo();
  const lib = await openTempCore();
  const out = tempDir('framewise-anon-blur-');
  try {
    const [imp] = await importAndWait(lib.core, [file]);
    const videoId = (imp!.output as { videoId: number }).videoId;
    const { job } = await lib.core.call('anonymize.start', {
      video: videoId,
      output: { dir: out.dir },
      options: { maskStyle: 'blur' },
      overrides: { region: endo.region, patient: endo.patient },
    });
    const done = await lib.core.services.jobs.waitFor(job.id, 900_000);
    assert.equal(done.state, 'succeeded', JSON.stringify(done.error));
    const res = done.output as AnonymizeJobOutput;
    assert.equal(res.verification.ok, true);
    assert.equal(res.plan.masks.style, 'blur');
    const fps = adversarial.fps;
    const annotation = adversarial.events[0]!;
    const mid = (annotation.start + annotation.end) / 2;
    const masks = res.plan.masks.timed.filter((m) => m.startFrame <= mid * fps && m.endFrame > mid * fps);
    assert.ok(masks.length > 0, 'the annotation has a time-ranged mask');
    // Blurred, not filled: the area under the mask still shows the (lit) picture.
    const biggest = masks.reduce((a, m) => (m.rect.width * m.rect.height > a.rect.width * a.rect.height ? m : a));
    const luma = await meanLuma(res.outputPath, mid, evenCover(biggest.rect, { width: endo.width, height: endo.height }));
    assert.ok(luma > 25, `the masked area is blurred picture, not black (mean luma ${luma.toFixed(1)})`);
    // The independent reader (Tesseract, ×2) reads none of the names: every 0.2 s while text is burned into the
    // image (the blurred ranges), every second elsewhere (only the device overlay, hidden by the region mask).
    const during = (t: number) => adversarial.events.some((e) => t > e.start - 1e-6 && t < e.end - 1e-6);
    const pages = await ocrEverySecond(res.outputPath, {
      interval: 0.2,
      scale: 2,
      only: (t) => during(t) || Math.abs(t - Math.round(t)) < 1e-6,
    });
    assert.ok(pages.length >= 30, `${pages.length} frames read`);
    assert.deepEqual(
      pages.flatMap((p) => patientStringsIn(p.text, adversarial.forbidden).map((s) => `${s} at ${p.time.toFixed(1)} s`)),
      [],
    );
  } finally {
    out.cleanup();
    await lib.close();
  }
});
