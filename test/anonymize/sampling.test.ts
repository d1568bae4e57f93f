import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ffmpeg } from '../../core/ffmpeg/index.js';
import { streamFrames } from '../../core/ffmpeg/frame-stream.js';
import { computePlan } from '../../core/anonymize/plan.js';
import { samplingPlan } from '../../core/anonymize/sampling.js';
import { anonymizeOptionsSchema } from '../../core/anonymize/types.js';
import { verificationSampling } from '../../core/anonymize/verify.js';
import { extendChosen, masksFromSightings } from '../../core/anonymize/timed-masks.js';
import { generated } from '../helpers/media.js';

const fps25 = { num: 25, den: 1 };
const fps30 = { num: 30000, den: 1001 };

const common = [
  { num: 24000, den: 1001 },
  { num: 24, den: 1 },
  fps25,
  fps30,
  { num: 30, den: 1 },
  { num: 50, den: 1 },
  { num: 60000, den: 1001 },
  { num: 60, den: 1 },
];

test('sampling arithmetic: at least 24 samples (or every frame), never more than 0.5 s apart, step = floor(0.5·fps)', () => {
  for (const fps of [...common, { num: 1, den: 1 }, { num: 3, den: 2 }, { num: 2, den: 1 }]) {
    const rate = fps.num / fps.den;
    for (const seconds of [0.04, 0.5, 1, 10, 15, 20, 24, 25, 9.6, 1800]) {
      const frames = Math.max(1, Math.round(seconds * rate));
      const s = samplingPlan(frames, fps);
      // Below 2 fps every frame is read (a frame lasts longer than 0.5 s).
      assert.ok(s.interval <= Math.max(0.5, 1 / rate) + 1e-9, `${seconds} s @ ${rate}: interval ${s.interval}`);
      assert.equal(s.expectedSamples, Math.ceil(frames / s.step));
      assert.ok(s.expectedSamples >= Math.min(24, frames), `${seconds} s @ ${rate}: ${s.expectedSamples} samples`);
      assert.ok(s.promisedSamples <= s.expectedSamples && s.promisedSamples >= Math.min(24, frames) - 1);
      assert.ok(s.step <= Math.max(1, Math.floor((0.5 * fps.num) / fps.den)), `${seconds} s @ ${rate}: step ${s.step}`);
      // Long files sample at exactly floor(0.5·fps): no denser than the promise needs.
      if (seconds >= 20 && rate >= 2) assert.equal(s.step, Math.floor(fps.num / (2 * fps.den)), `${seconds} s @ ${rate}`);
    }
  }
});

/**
 * Whether a flash of 0.5 s starting at time A·u (u = 1 / (2·num·Q) s, exact integers) holds a sample: the frames it
 * shows are those whose time k·den/num lies in [A·u, A·u + 0.5] (drawtext `between`, closed) or [A·u, A·u + 0.5)
 * (displayed, half-open). In units u, frame k is at 2·Q·den·k and 0.5 s is num·Q.
 */
function flashSampled(fps: { num: number; den: number }, Q: number, A: number, step: number, closed: boolean): boolean {
  const t = (k: number) => 2 * Q * fps.den * k;
  const end = A + fps.num * Q;
  let shown = 0;
  for (let k = Math.ceil(A / t(1)); closed ? t(k) <= end : t(k) < end; k++) {
    shown++;
    if (k % step === 0) return true;
  }
  assert.ok(shown >= Math.floor(fps.num / (2 * fps.den)), `a 0.5 s flash shows at least floor(0.5·fps) frames (${shown})`);
  return false;
}

test('a flash of exactly 0.5 s is sampled at every phase; one frame more between samples misses one', () => {
  const Q = 2;
  for (const fps of common) {
    const { step } = samplingPlan(Math.round((60 * fps.num) / fps.den), fps);
    // Every phase against the sampling grid: starts over step whole frames at a resolution of 1/(2·Q·den) frame.
    const phases = 2 * Q * fps.den * step;
    let missedWider = false;
    for (let A = 0; A < phases; A++) {
      for (const closed of [true, false]) {
        assert.ok(flashSampled(fps, Q, A, step, closed), `${fps.num}/${fps.den}: flash at ${A} u (${closed ? 'closed' : 'half-open'})`);
        if (!flashSampled(fps, Q, A, step + 1, closed)) missedWider = true;
      }
    }
    assert.ok(missedWider, `${fps.num}/${fps.den}: a step of ${step + 1} misses some 0.5 s flash (the bound is tight)`);
  }
});

test('the 30-minute plan: 3750 samples at 25 fps, 3854 at 29.97 fps (plan only, no render)', () => {
  const plan = computePlan({
    video: { width: 1920, height: 1080, fps: fps25, duration: 1800, frameCount: 45000, audioStreams: 0 },
    region: null,
    textBoxes: [{ rect: { x: 0, y: 0, width: 100, height: 40 }, source: 'ocr' }],
    segments: [],
    patient: { known: true, verified: true },
    options: anonymizeOptionsSchema.parse({}),
  });
  const s = verificationSampling(plan);
  assert.deepEqual(s, { step: 12, interval: 0.48, expectedSamples: 3750, promisedSamples: 3750 });
  const ntsc = samplingPlan(53946, fps30);
  assert.equal(ntsc.step, 14);
  assert.equal(ntsc.expectedSamples, 3854);
});

/** Real outputs of each length: the streamed sample count reaches the promise (the bug: 23 of 24). */
for (const seconds of [1, 10, 20, 24, 25, 15]) {
  test(`sampling a real ${seconds} s file yields at least the promised samples`, async () => {
    const file = await generated(`sampling-${seconds}s.mp4`, (out) => [
      '-f',
      'lavfi',
      '-i',
      `testsrc2=s=160x90:r=25:d=${seconds}`,
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
      out,
    ]);
    const ffmpeg = await Ffmpeg.create();
    const info = await ffmpeg.probe(file);
    const frames = Math.round(seconds * 25);
    const s = samplingPlan(frames, fps25);
    const seen: number[] = [];
    const n = await streamFrames(ffmpeg, file, {
      step: s.step,
      width: info.video!.displayWidth,
      height: info.video!.displayHeight,
      onFrame: async (f) => {
        seen.push(f.frame);
        assert.equal(f.data.length, 160 * 90 * 3);
      },
    });
    assert.equal(n, s.expectedSamples);
    assert.ok(n >= s.promisedSamples && n >= Math.min(24, frames));
    assert.deepEqual(
      seen,
      Array.from({ length: n }, (_, i) => i * s.step),
    );
  });
}

test('sightings become timed masks: the gap between samples is covered, a margin is added, moving text is followed', () => {
  const box = { x: 100, y: 100, width: 80, height: 20 };
  // Static text seen at samples 100, 110, 120 (step 10): one mask from 91 to 130, padded.
  const still = masksFromSightings(
    [100, 110, 120].map((frame) => ({ frame, box })),
    { step: 10, frameCount: 300, width: 640, height: 360 },
  );
  assert.equal(still.length, 1);
  assert.equal(still[0]!.startFrame, 91);
  assert.equal(still[0]!.endFrame, 130);
  assert.ok(still[0]!.rect.x <= 94 && still[0]!.rect.x + still[0]!.rect.width >= 186);
  // Text moving 30 px per sample: every stretch between two samples covers both places.
  const moving = masksFromSightings(
    [0, 1, 2, 3].map((i) => ({ frame: 50 + i * 10, box: { ...box, x: 100 + i * 30 } })),
    { step: 10, frameCount: 300, width: 640, height: 360 },
  );
  for (let f = 41; f < 90; f++) {
    const i = Math.min(3, Math.max(0, (f - 50) / 10));
    const x = 100 + i * 30;
    assert.ok(
      moving.some((m) => f >= m.startFrame && f < m.endFrame && m.rect.x <= x && m.rect.x + m.rect.width >= x + 80),
      `frame ${f}: the text at x=${x} is covered`,
    );
  }
  // A single sighting at frame 0 does not reach before the video.
  const first = masksFromSightings([{ frame: 0, box }], { step: 10, frameCount: 300, width: 640, height: 360 });
  assert.deepEqual([first[0]!.startFrame, first[0]!.endFrame], [0, 10]);
});

test('a poorly read continuation of a chosen text is masked too, at most two samples away', () => {
  const box = (x: number) => ({ x, y: 100, width: 80, height: 20 });
  const chosen = [{ frame: 10, box: box(100) }];
  const all = [
    { frame: 20, box: box(130) },
    { frame: 30, box: box(160) },
    { frame: 40, box: box(190) },
    { frame: 20, box: { x: 500, y: 300, width: 40, height: 20 } },
  ];
  const picked = extendChosen(all, chosen, 10);
  assert.deepEqual(
    picked.map((s) => s.frame).sort((a, b) => a - b),
    [10, 20, 30],
  );
});
