import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  loudTicks,
  parseThreshold,
  removeShortRuns,
  runsOf,
  TickPeakMeter,
  widenLoudRuns,
  loudnessOptionsSchema,
} from '../../core/audio/loudness.js';
import { atempoChain, outputFrames } from '../../core/ffmpeg/cut.js';
import { planRanges } from '../../core/audio/apply-job.js';
import { speechSegments, widenRanges } from '../../core/speech/segments.js';

const f = (s: string) => [...s].map((c) => c === '#');

test('thresholds: linear, percent and dB', () => {
  assert.equal(parseThreshold('0.04'), 0.04);
  assert.equal(parseThreshold('4%'), 0.04);
  assert.ok(Math.abs(parseThreshold('-28dB')! - 0.0398) < 1e-3);
  assert.equal(parseThreshold('loud'), null);
});

test('tick peaks follow the exact samples per tick (48 kHz at 30000/1001 fps)', () => {
  const m = new TickPeakMeter(48000, 30000 / 1001, 2);
  const samples = new Float32Array(2 * 48000 * 10); // 10 s stereo
  samples[2 * 48048 * 5 + 1] = 0.5; // right channel, at 5.005 s → tick 150 exactly
  m.push(samples);
  assert.equal(m.peaks.length, 299);
  assert.equal(m.peaks.indexOf(0.5), 150);
});

test('smoothing and margins as auto-editor: short loud runs dropped, short gaps filled, then widened', () => {
  const flags = f('..#.....####..####.......');
  removeShortRuns(flags, true, 3);
  assert.equal(flags.map((x) => (x ? '#' : '.')).join(''), '........####..####.......');
  removeShortRuns(flags, false, 3);
  assert.equal(flags.map((x) => (x ? '#' : '.')).join(''), '........##########.......');
  assert.equal(
    widenLoudRuns(flags, 2, 3)
      .map((x) => (x ? '#' : '.'))
      .join(''),
    '......###############....',
  );
  assert.deepEqual(runsOf(f('##..#'), true), [
    { start: 0, end: 2 },
    { start: 4, end: 5 },
  ]);
  const opts = loudnessOptionsSchema.parse({});
  assert.deepEqual(runsOf(loudTicks([...Array(30).fill(0), ...Array(30).fill(0.5), ...Array(30).fill(0)], 30, opts), true), [
    { start: 24, end: 66 },
  ]);
});

test('apply plan: silence lane removed, speech lane kept, speed mode keeps every part', () => {
  const spans = [
    { startFrame: 10, endFrame: 20 },
    { startFrame: 15, endFrame: 30 },
  ];
  assert.deepEqual(planRanges(spans, 'silence', { frameCount: 50 }, 'cut', 4), [
    { startFrame: 0, endFrame: 10, speed: 1 },
    { startFrame: 30, endFrame: 50, speed: 1 },
  ]);
  assert.deepEqual(planRanges(spans, 'speech', { frameCount: 50 }, 'cut', 4), [{ startFrame: 10, endFrame: 30, speed: 1 }]);
  const sped = planRanges(spans, 'silence', { frameCount: 50 }, 'speed', 4);
  assert.equal(
    sped.reduce((a, r) => a + outputFrames(r), 0),
    10 + 5 + 20,
  );
  assert.equal(atempoChain(4), 'atempo=2,atempo=2.000000');
  assert.equal(atempoChain(3), 'atempo=2,atempo=1.500000');
});

test('speech segments: hysteresis, minimum length, padding; margins merge', () => {
  const w = 0.032;
  const probs = [0, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.4, 0.9, 0.9, 0.9, 0.9, 0.1, 0.1, 0.1, 0.1, 0, 0.9, 0, 0, 0, 0, 0];
  const segs = speechSegments(probs, w, probs.length * w, { threshold: 0.5, minSpeech: 0.25, minSilence: 0.1, pad: 0.03 });
  assert.equal(segs.length, 1, JSON.stringify(segs));
  assert.ok(Math.abs(segs[0]!.start - (w - 0.03)) < 1e-9 && Math.abs(segs[0]!.end - (14 * w + 0.03)) < 1e-9);
  assert.deepEqual(
    widenRanges(
      [
        { start: 1, end: 2 },
        { start: 2.5, end: 3 },
      ],
      0.3,
      10,
    ),
    [{ start: 0.7, end: 3.3 }],
  );
});
