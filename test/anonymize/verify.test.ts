import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computePlan } from '../../core/anonymize/plan.js';
import { anonymizeOptionsSchema, patientFieldsSchema } from '../../core/anonymize/types.js';
import { patientTokens } from '../../core/anonymize/tokens.js';
import { checkFrameText, hiddenMap, outputToSourceFrame, sampleInterval } from '../../core/anonymize/verify.js';
import type { TextWord } from '../../core/anonymize/text-reader.js';

const plan = computePlan({
  video: { width: 640, height: 360, fps: { num: 25, den: 1 }, duration: 12, frameCount: 300, audioStreams: 0 },
  region: { rect: { x: 300, y: 20, width: 320, height: 320 }, shape: 'octagon', cornerCut: 0.2 },
  textBoxes: [{ rect: { x: 380, y: 160, width: 100, height: 30 }, source: 'ocr' }],
  segments: [{ start: 125, end: 175, label: 'outside', validated: true }],
  patient: { known: true, verified: true },
  options: anonymizeOptionsSchema.parse({}),
});
const tokens = patientTokens(patientFieldsSchema.parse({ firstName: 'Jürgen', lastName: 'Müller', dob: '1961-03-12' }));
const word = (text: string, x: number, y: number, line = 0, confidence = 90): TextWord => ({
  text,
  confidence,
  box: { x, y, width: 60, height: 20 },
  line,
});

test('output frames map back to source frames across cuts', () => {
  assert.equal(outputToSourceFrame(plan, 0), 0);
  assert.equal(outputToSourceFrame(plan, 124), 124);
  assert.equal(outputToSourceFrame(plan, 125), 175);
  assert.equal(outputToSourceFrame(plan, 249), 299);
});

test('sampling: every second, but at least 24 frames (never finer than one frame)', () => {
  assert.equal(sampleInterval(plan), 10 / 24);
  const long = { ...plan, expectedDuration: 600 };
  assert.equal(sampleInterval(long), 1);
  const tiny = { ...plan, expectedDuration: 0.4 };
  assert.equal(sampleInterval(tiny), 1 / 25);
});

test('a patient token anywhere is a finding naming the field, frame and place, not the value', () => {
  const f = checkFrameText(plan, hiddenMap(plan), tokens, [word('Dr.', 420, 300), word('MULLER', 480, 300)], { index: 3, time: 6 });
  assert.equal(f.length, 1);
  assert.equal(f[0]!.check, 'patient_text');
  assert.equal(f[0]!.field, 'lastName');
  assert.equal(f[0]!.frame, 150);
  assert.match(f[0]!.message, /patient's last name is readable in frame 150 \(6\.00 s\) at x=480, y=300/);
  assert.doesNotMatch(f[0]!.message, /MULLER|Müller/i);
});

test('any confident text inside a masked area is a finding; text in the kept image is not', () => {
  const map = hiddenMap(plan);
  const outside = checkFrameText(plan, map, tokens, [word('Standbild', 20, 40)], { index: 0, time: 0 });
  assert.equal(outside[0]?.check, 'masked_text');
  const inBox = checkFrameText(plan, map, tokens, [word('Stempel', 390, 165)], { index: 0, time: 0 });
  assert.equal(inBox[0]?.check, 'masked_text');
  assert.deepEqual(checkFrameText(plan, map, tokens, [word('Pylorus', 420, 250)], { index: 0, time: 0 }), []);
  assert.deepEqual(
    checkFrameText(plan, map, tokens, [word('xx', 20, 40, 0, 30)], { index: 0, time: 0 }),
    [],
    'low-confidence noise is ignored',
  );
});

test('in a blacked-out segment the whole frame is masked', () => {
  const black = computePlan({
    video: { width: 640, height: 360, fps: { num: 25, den: 1 }, duration: 12, frameCount: 300, audioStreams: 0 },
    region: null,
    textBoxes: [],
    segments: [{ start: 125, end: 175, label: 'outside', validated: true }],
    patient: { known: true, verified: true },
    options: anonymizeOptionsSchema.parse({ outside: 'black' }),
  });
  const map = hiddenMap(black);
  assert.equal(checkFrameText(black, map, tokens, [word('Pylorus', 420, 250)], { index: 0, time: 6 })[0]?.check, 'masked_text');
  assert.deepEqual(checkFrameText(black, map, tokens, [word('Pylorus', 420, 250)], { index: 0, time: 2 }), []);
});
