import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computePlan, complementRanges, insideRegion, mergeRanges, type PlanInputs } from '../../core/anonymize/plan.js';
import { anonymizeOptionsSchema, type AnonymizeOptionsInput } from '../../core/anonymize/types.js';
import { buildMaskImage, maskAlpha } from '../../core/anonymize/mask.js';
import { audioGraph, buildRenderArgs, videoGraph } from '../../core/ffmpeg/anonymize-render.js';

const video = { width: 640, height: 360, fps: { num: 25, den: 1 }, duration: 12, frameCount: 300, audioStreams: 1 };
const region = { x: 300, y: 20, width: 320, height: 320, shape: 'octagon' as const, cornerCut: 0.2 };

function inputs(over: Partial<PlanInputs> = {}, opts: AnonymizeOptionsInput = {}): PlanInputs {
  return {
    video,
    region,
    textBoxes: [{ rect: { x: 380, y: 160, width: 100, height: 30 }, source: 'ocr' }],
    segments: [{ startFrame: 125, endFrame: 175, label: 'outside', validated: true }],
    patient: { known: true, verified: true },
    options: anonymizeOptionsSchema.parse(opts),
    ...over,
  };
}

test('ranges: merge and complement are half-open and exact', () => {
  assert.deepEqual(
    mergeRanges([
      { startFrame: 5, endFrame: 10 },
      { startFrame: 0, endFrame: 2 },
      { startFrame: 10, endFrame: 12 },
      { startFrame: 11, endFrame: 11 },
    ]),
    [
      { startFrame: 0, endFrame: 2 },
      { startFrame: 5, endFrame: 12 },
    ],
  );
  assert.deepEqual(
    complementRanges(
      [
        { startFrame: 0, endFrame: 2 },
        { startFrame: 5, endFrame: 12 },
      ],
      20,
    ),
    [
      { startFrame: 2, endFrame: 5 },
      { startFrame: 12, endFrame: 20 },
    ],
  );
  assert.deepEqual(complementRanges([{ startFrame: 18, endFrame: 40 }], 20), [{ startFrame: 0, endFrame: 18 }]);
});

test('plan: validated outside segment is cut; duration = original − removed', () => {
  const plan = computePlan(inputs());
  assert.deepEqual(plan.removed, [{ startFrame: 125, endFrame: 175, label: 'outside', validated: true }]);
  assert.deepEqual(plan.kept, [
    { startFrame: 0, endFrame: 125 },
    { startFrame: 175, endFrame: 300 },
  ]);
  assert.equal(plan.keptFrames, 250);
  assert.equal(plan.expectedDuration, 10);
  assert.equal(plan.audio.keep, false);
  assert.deepEqual(plan.warnings, []);
  assert.deepEqual(plan.output, { width: 640, height: 360, codec: 'h264', preset: 'fast' });
});

test('plan: unreviewed segments are not used unless allowed, and the plan says so', () => {
  const seg = [{ startFrame: 10, endFrame: 20, label: 'outside', validated: false }];
  const plan = computePlan(inputs({ segments: seg }));
  assert.deepEqual(plan.removed, []);
  assert.equal(plan.ignoredSegments[0]?.reason, 'not reviewed');
  assert.ok(plan.warnings.some((w) => /unreviewed segment/.test(w)));
  const allowed = computePlan(inputs({ segments: seg }, { allowUnreviewed: true }));
  assert.deepEqual(allowed.removed, [{ startFrame: 10, endFrame: 20, label: 'outside', validated: false }]);
  assert.ok(allowed.warnings.some((w) => /Unreviewed prediction segments are used/.test(w)));
});

test('plan: outside=black keeps every frame and blacks the segment; keeping audio warns', () => {
  const plan = computePlan(inputs({}, { outside: 'black', keepAudio: true }));
  assert.deepEqual(plan.removed, []);
  assert.equal(plan.blacked.length, 1);
  assert.equal(plan.keptFrames, 300);
  assert.equal(plan.audio.keep, true);
  assert.ok(plan.warnings.some((w) => /Audio is kept/.test(w)));
});

test('plan fails closed: no region → text boxes still masked over the whole frame, with a warning', () => {
  const plan = computePlan(inputs({ region: null, textBoxes: [{ rect: { x: 10, y: 10, width: 100, height: 20 }, source: 'ocr' }] }));
  assert.equal(plan.masks.region, null);
  assert.deepEqual(plan.masks.boxes, [{ x: 6, y: 6, width: 108, height: 28 }]);
  assert.ok(plan.warnings.some((w) => /No endoscope region/.test(w)));
  const alpha = maskAlpha(plan);
  assert.equal(alpha[15 * 640 + 50], 255, 'the text box is hidden');
  assert.equal(alpha[200 * 640 + 300], 0, 'the rest of the frame is kept');
});

test('plan fails closed: nothing known → warns that nothing is masked and that fields are unknown', () => {
  const plan = computePlan(inputs({ region: null, textBoxes: [], patient: { known: false, verified: false } }));
  assert.ok(plan.warnings.some((w) => /Nothing is masked/.test(w)));
  assert.ok(plan.warnings.some((w) => /No patient fields/.test(w)));
  const unverified = computePlan(inputs({ patient: { known: true, verified: false } }));
  assert.ok(unverified.warnings.some((w) => /not been verified/.test(w)));
});

test('plan refuses impossible requests: crop without region, everything removed', () => {
  assert.throws(() => computePlan(inputs({ region: null }, { crop: true })), /Cropping needs an endoscope region/);
  assert.throws(
    () => computePlan(inputs({ segments: [{ startFrame: 0, endFrame: 300, label: 'outside', validated: true }] })),
    /Every frame would be removed/,
  );
  assert.throws(() => computePlan(inputs({ region: { ...region, x: 700, y: 0, width: 10, height: 10 } })), /outside the frame/);
});

test('plan: crop is the even-aligned region rectangle', () => {
  const plan = computePlan(inputs({ region: { ...region, x: 301, y: 21, width: 319, height: 319 } }, { crop: true }));
  assert.deepEqual(plan.crop, { x: 302, y: 22, width: 318, height: 318 });
  assert.deepEqual([plan.output.width, plan.output.height], [318, 318]);
});

test('octagon and round shapes: corners outside, centre inside', () => {
  assert.equal(insideRegion(region, 460, 180), true);
  assert.equal(insideRegion(region, 301, 21), false, 'cut corner');
  assert.equal(insideRegion(region, 299, 180), false, 'left of the rectangle');
  const round = { x: 0, y: 0, width: 100, height: 100, shape: 'circle' as const };
  assert.equal(insideRegion(round, 50, 50), true);
  assert.equal(insideRegion(round, 5, 5), false);
});

test('mask image: covers everything outside the region and the text box, placed even-aligned', () => {
  const plan = computePlan(inputs());
  const mask = buildMaskImage(plan)!;
  assert.deepEqual(mask.rect, { x: 0, y: 0, width: 640, height: 360 });
  assert.equal(mask.png.subarray(1, 4).toString(), 'PNG');
  const alpha = maskAlpha(plan);
  let inside = 0;
  for (let y = 0; y < 360; y++) for (let x = 0; x < 640; x++) if (!alpha[y * 640 + x]) inside++;
  // Octagon area = rect − 4 corner triangles (c = 64) − the padded text box (108×38).
  const expected = 320 * 320 - 2 * 64 * 64 - 108 * 38;
  assert.ok(Math.abs(inside - expected) < 400, `${inside} vs ${expected}`);
  assert.equal(buildMaskImage(computePlan(inputs({ region: null, textBoxes: [] }))), null);
});

test('filtergraph: one invocation; cuts by frame number, mask overlay, metadata scrubbed', () => {
  const plan = computePlan(inputs({}, { keepAudio: true }));
  const args = buildRenderArgs(plan, {
    input: '/in.mp4',
    mask: { path: '/w/mask.png', rect: { x: 0, y: 0, width: 640, height: 360 } },
    output: '/out/x.partial',
  });
  const graph = args[args.indexOf('-filter_complex') + 1]!;
  assert.match(graph, /select='not\(between\(n,125,174\)\)',setpts=N\*1\/\(25\*TB\)/);
  assert.match(graph, /overlay=x=0:y=0:eof_action=repeat/);
  assert.match(graph, /atrim=start=0\.000000:end=5\.000000/);
  assert.match(graph, /atrim=start=7\.000000:end=12\.000000/);
  assert.match(graph, /concat=n=2:v=0:a=1\[aout\]/);
  for (const flag of ['-map_metadata', '-map_chapters', '-sn', '-dn', '+bitexact', '+faststart', 'libx264'])
    assert.ok(args.includes(flag), flag);
  assert.equal(args.filter((a) => a === '-i').length, 2);
  assert.equal(args.at(-1), '/out/x.partial');
  // Without audio kept no audio is mapped at all.
  const silent = buildRenderArgs(computePlan(inputs()), { input: '/in.mp4', mask: null, output: '/o' });
  assert.ok(!silent.includes('[aout]'));
  assert.ok(!silent.join(' ').includes('-c:a'));
});

test('filtergraph: black segments use the frame number, blur boxes crop+blur+overlay, hevc option', () => {
  const plan = computePlan(inputs({}, { outside: 'black', maskStyle: 'blur', codec: 'hevc', keepAudio: true }));
  const v = videoGraph(plan, null).join(';');
  assert.match(v, /drawbox=.*t=fill:enable='between\(n,125,174\)'/);
  assert.match(v, /crop=\d+:\d+:376:156,boxblur/);
  assert.match(audioGraph(plan).join(';'), /volume=0:enable='between\(t,5\.000000,7\.000000\)'/);
  const args = buildRenderArgs(plan, { input: '/i', mask: null, output: '/o' });
  assert.ok(args.includes('libx265'));
  // The test-only hook removes every mask (used to prove that verification rejects such output).
  const unsafe = videoGraph(
    computePlan(inputs()),
    { path: '/m', rect: { x: 0, y: 0, width: 2, height: 2 } },
    { unsafeDisableMasks: true },
  ).join(';');
  assert.doesNotMatch(unsafe, /overlay/);
});
