import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computePlan } from '../../core/anonymize/plan.js';
import { anonymizeOptionsSchema, patientFieldsSchema } from '../../core/anonymize/types.js';
import { patientTokens } from '../../core/anonymize/tokens.js';
import { checkFrameText, hiddenMap, outputToSourceFrame } from '../../core/anonymize/verify.js';
import type { FrameTextLine } from '../../core/anonymize/frame-reader.js';
import { FILL_TOLERANCE, fillHolds, fillSpans, visibleBox } from '../../core/anonymize/text-scan.js';

const plan = computePlan({
  video: { width: 640, height: 360, fps: { num: 25, den: 1 }, duration: 12, frameCount: 300, audioStreams: 0 },
  region: { x: 300, y: 20, width: 320, height: 320, shape: 'octagon', cornerCut: 0.2 },
  textBoxes: [{ rect: { x: 380, y: 160, width: 100, height: 30 }, source: 'ocr' }],
  segments: [{ startFrame: 125, endFrame: 175, label: 'outside', validated: true }],
  patient: { known: true, verified: true },
  options: anonymizeOptionsSchema.parse({}),
});
const tokens = patientTokens(patientFieldsSchema.parse({ first_name: 'Jürgen', last_name: 'Müller', dob: '1961-03-12' }));
const word = (text: string, x: number, y: number, confidence = 90): FrameTextLine => ({
  text,
  confidence: confidence / 100,
  box: { x, y, width: 60, height: 20 },
  detectorScore: 0.8,
});
const check = (p: typeof plan, lines: FrameTextLine[], frame: number) => checkFrameText(p, hiddenMap(p), tokens, lines, frame).findings;

test('output frames map back to source frames across cuts', () => {
  assert.equal(outputToSourceFrame(plan, 0), 0);
  assert.equal(outputToSourceFrame(plan, 124), 124);
  assert.equal(outputToSourceFrame(plan, 125), 175);
  assert.equal(outputToSourceFrame(plan, 249), 299);
});

test('a patient token anywhere is a finding naming the field, frame and place, not the value', () => {
  const f = check(plan, [word('Dr. MULLER', 480, 300)], 150);
  assert.equal(f.length, 1);
  assert.equal(f[0]!.check, 'patient_text');
  assert.equal(f[0]!.field, 'last_name');
  assert.equal(f[0]!.frame, 150);
  assert.match(f[0]!.message, /patient's last name is readable in frame 150 \(6\.00 s\) at x=480, y=300/);
  assert.doesNotMatch(f[0]!.message, /MULLER|Müller/i);
});

test('any confident text inside a masked area is a finding; text in the kept image is not', () => {
  const outside = check(plan, [word('Standbild', 20, 40)], 0);
  assert.equal(outside[0]?.check, 'masked_text');
  const inBox = check(plan, [word('Stempel', 390, 165)], 0);
  assert.equal(inBox[0]?.check, 'masked_text');
  assert.deepEqual(check(plan, [word('Pylorus', 420, 250)], 0), []);
  const seen = checkFrameText(plan, hiddenMap(plan), tokens, [word('Pylorus', 420, 250)], 0).seen;
  assert.deepEqual(
    seen,
    [{ frame: 0, time: 0, box: { x: 420, y: 250, width: 60, height: 20 }, kind: 'other', readable: true }],
    'other text is listed for the reviewer',
  );
  assert.deepEqual(check(plan, [word('xx', 20, 40, 30)], 0), [], 'low-confidence noise is ignored');
});

test('in a blacked-out segment the whole frame is masked', () => {
  const black = computePlan({
    video: { width: 640, height: 360, fps: { num: 25, den: 1 }, duration: 12, frameCount: 300, audioStreams: 0 },
    region: null,
    textBoxes: [],
    segments: [{ startFrame: 125, endFrame: 175, label: 'outside', validated: true }],
    patient: { known: true, verified: true },
    options: anonymizeOptionsSchema.parse({ outside: 'black' }),
  });
  assert.equal(check(black, [word('Pylorus', 420, 250)], 150)[0]?.check, 'masked_text');
  assert.deepEqual(check(black, [word('Pylorus', 420, 250)], 50), []);
});

test('a timed mask hides its box only during its frame range (source frames, across cuts)', () => {
  const timed = computePlan({
    video: { width: 640, height: 360, fps: { num: 25, den: 1 }, duration: 12, frameCount: 300, audioStreams: 0 },
    region: { x: 300, y: 20, width: 320, height: 320, shape: 'octagon', cornerCut: 0.2 },
    textBoxes: [],
    timedMasks: [{ startFrame: 200, endFrame: 240, rect: { x: 400, y: 240, width: 120, height: 40 }, source: 'scan' }],
    segments: [{ startFrame: 125, endFrame: 175, label: 'outside', validated: true }],
    patient: { known: true, verified: true },
    options: anonymizeOptionsSchema.parse({}),
  });
  assert.deepEqual(timed.masks.timed, [
    { startFrame: 200, endFrame: 240, rect: { x: 400, y: 240, width: 120, height: 40 }, source: 'scan' },
  ]);
  // Output frame 160 shows source frame 210 (50 frames cut before it): inside the mask's range.
  assert.equal(check(timed, [word('Stempel', 420, 250)], 160)[0]?.check, 'masked_text');
  // Output frame 200 shows source frame 250: after the range, so the same text is only listed.
  assert.deepEqual(check(timed, [word('Stempel', 420, 250)], 200), []);
});

test('outside the read box, verification accepts only the exact black fill (every pixel, every channel) before it skips reading there', () => {
  const map = hiddenMap(plan);
  const roi = visibleBox(map.hidden, map.width, map.height)!;
  const spans = fillSpans(map.hidden, map.width, map.height, roi);
  // The spans are exactly the masked pixels outside the read box.
  let expected = 0;
  for (let y = 0; y < map.height; y++) {
    for (let x = 0; x < map.width; x++) {
      const inRoi = x >= roi.x && x < roi.x + roi.width && y >= roi.y && y < roi.y + roi.height;
      if (map.hidden[y * map.width + x] && !inRoi) expected++;
    }
  }
  let covered = 0;
  for (let i = 0; i < spans.length; i += 2) covered += (spans[i + 1]! - spans[i]!) / 3;
  assert.equal(covered, expected);
  assert.ok(expected > 100_000, 'the overlay area left of the image is outside the read box');
  const frame = () => {
    const data = new Uint8Array(map.width * map.height * 3);
    // The endoscope image: bright content inside the read box (masked pixels near it included) is the detector's.
    for (let y = roi.y; y < roi.y + roi.height; y++) data.fill(200, (y * map.width + roi.x) * 3, (y * map.width + roi.x + roi.width) * 3);
    return { width: map.width, height: map.height, data };
  };
  const set = (f: ReturnType<typeof frame>, x: number, y: number, rgb: [number, number, number]) => f.data.set(rgb, (y * f.width + x) * 3);
  assert.equal(fillHolds(frame(), spans), true);
  const noise = frame();
  set(noise, 21, 41, [FILL_TOLERANCE, FILL_TOLERANCE, FILL_TOLERANCE]);
  assert.equal(fillHolds(noise, spans), true, 'encoder noise within the tolerance');
  // Pure blue text has luma 29: a luma bound of 40 (the check before) let it through unread.
  const blue = frame();
  set(blue, 21, 41, [0, 0, 255]);
  assert.equal(fillHolds(blue, spans), false);
  // A one-pixel stroke on an odd row and column (a 2-px sampling grid skipped it).
  const thin = frame();
  set(thin, 101, 201, [FILL_TOLERANCE + 1, 0, 0]);
  assert.equal(fillHolds(thin, spans), false);
});
