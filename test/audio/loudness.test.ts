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
import { vfrKeptFrames, vfrRanges } from '../../core/ffmpeg/cut-vfr.js';
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

test('VFR plan: ranges in seconds with their output place; kept frames by time, one per nominal slot when sped up', () => {
  // Grid 10 fps; frames at 0, 0.05, 0.1, … (20 fps) for 2 s. Keep [0, 0.5), speed [0.5, 1.5) by 4, keep [1.5, 2).
  const ranges = vfrRanges(
    [
      { startFrame: 0, endFrame: 5, speed: 1 },
      { startFrame: 5, endFrame: 15, speed: 4 },
      { startFrame: 15, endFrame: 20, speed: 1 },
    ],
    { num: 10, den: 1 },
  );
  assert.deepEqual(
    ranges.map((r) => [r.start, r.end, r.offset, r.length]),
    [
      [0, 0.5, 0, 0.5],
      [0.5, 1.5, 0.5, 0.25],
      [1.5, 2, 0.75, 0.5],
    ],
  );
  const times = Array.from({ length: 40 }, (_, i) => i * 0.05);
  // Nominal 20 fps sped up 4×: a slot is 0.2 s of source, so every 4th frame of the middle range.
  const kept = vfrKeptFrames(times, ranges, { num: 20, den: 1 });
  assert.deepEqual(kept, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 14, 18, 22, 26, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39]);
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
