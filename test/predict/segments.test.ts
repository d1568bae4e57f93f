import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  centeredMovingAverage,
  computeSegments,
  hysteresisRuns,
  segmentsForLabel,
  defaultSegmentParams,
  type ScoreSeries,
} from '../../core/predict/segments.js';

/** A one-label series sampled at `rate` per second from a function of time. */
function series(duration: number, rate: number, f: (t: number) => number, fps = 25): ScoreSeries {
  const n = Math.round(duration * rate);
  const times = new Float64Array(n);
  const frames = new Uint32Array(n);
  const scores = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    times[i] = i / rate;
    frames[i] = Math.round((i / rate) * fps);
    scores[i] = f(i / rate);
  }
  return { labels: ['x'], times, frames, scores };
}

const extent = (duration: number, fps = 25) => ({ duration, frameCount: duration * fps });

test('centered moving average does not shift a step in time', () => {
  const times = Array.from({ length: 101 }, (_, i) => i / 10);
  const values = times.map((t) => (t >= 5 ? 1 : 0));
  const s = centeredMovingAverage(times, values, 1);
  // At the step the window holds 5 samples before and 6 at/after: just above one half.
  assert.ok(s[50]! > 0.5 && s[50]! < 0.6, `value at the step ${s[50]}`);
  assert.ok(s[49]! < 0.5, `value before the step ${s[49]}`);
  assert.equal(s[0], 0);
  assert.equal(s[100], 1);
  // Window 0: identity.
  assert.deepEqual(Array.from(centeredMovingAverage(times, values, 0)), values);
});

test('hysteresis enters at the threshold and leaves only below the lower one', () => {
  const v = [0, 0.55, 0.45, 0.42, 0.39, 0.6, 0.5, 0.1];
  assert.deepEqual(hysteresisRuns(v, 0.5, 0.4), [
    [1, 4],
    [5, 7],
  ]);
  // Without hysteresis the dip to 0.45 would end the first run.
  assert.deepEqual(hysteresisRuns(v, 0.5, 0.5), [
    [1, 2],
    [5, 7],
  ]);
  assert.deepEqual(hysteresisRuns([0.9, 0.9], 0.5, 0.4), [[0, 2]]);
});

test('a step from 12 s to 18 s becomes one half-open segment within one sample interval', () => {
  const s = series(30, 5, (t) => (t >= 12 && t < 18 ? 0.9 : 0.05));
  const segs = segmentsForLabel(s, 0, defaultSegmentParams, extent(30));
  assert.equal(segs.length, 1);
  const seg = segs[0]!;
  assert.ok(Math.abs(seg.start - 12) <= 0.2, `start ${seg.start}`);
  assert.ok(Math.abs(seg.end - 18) <= 0.2, `end ${seg.end}`);
  assert.equal(seg.startFrame, Math.round(seg.start * 25));
  assert.equal(seg.endFrame, Math.round(seg.end * 25));
  assert.ok(seg.maxScore > 0.89 && seg.maxScore < 0.91);
  assert.ok(seg.meanScore > 0.8);
});

test('short blips are dropped and short gaps are merged', () => {
  // 0.4 s blip at 5 s: averaged away / shorter than 1 s. Two parts 10–14 and 14.3–18 s: merged.
  const s = series(30, 10, (t) => ((t >= 5 && t < 5.4) || (t >= 10 && t < 14) || (t >= 14.3 && t < 18) ? 1 : 0));
  const params = { ...defaultSegmentParams, windowSeconds: 0 };
  const segs = segmentsForLabel(s, 0, params, extent(30));
  assert.deepEqual(
    segs.map((x) => [x.start, x.end]),
    [[10, 18]],
  );
  // With no merging the gap splits them; with no minimum the blip stays.
  const split = segmentsForLabel(s, 0, { ...params, mergeGapSeconds: 0, minSegmentSeconds: 0 }, extent(30));
  assert.deepEqual(
    split.map((x) => [x.start, x.end]),
    [
      [5, 5.4],
      [10, 14],
      [14.3, 18],
    ],
  );
});

test('a segment running to the end of the video ends at the duration and frame count', () => {
  const s = series(10, 5, (t) => (t >= 7 ? 1 : 0));
  const [seg] = segmentsForLabel(s, 0, { ...defaultSegmentParams, windowSeconds: 0 }, { duration: 10.04, frameCount: 251 });
  assert.ok(seg);
  assert.equal(seg.start, 7);
  assert.equal(seg.end, 10.04);
  assert.equal(seg.endFrame, 251);
});

test('per-label thresholds and several labels', () => {
  const n = 100;
  const times = new Float64Array(n);
  const frames = new Uint32Array(n);
  const scores = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    times[i] = i / 10;
    frames[i] = i * 3;
    scores[i * 2] = i >= 20 && i < 60 ? 0.7 : 0;
    scores[i * 2 + 1] = i >= 50 ? 0.7 : 0;
  }
  const s: ScoreSeries = { labels: ['a', 'b'], times, frames, scores };
  const segs = computeSegments(
    s,
    { ...defaultSegmentParams, windowSeconds: 0, thresholds: { default: 0.5, b: 0.8 } },
    { duration: 10, frameCount: 300 },
  );
  assert.deepEqual(
    segs.map((x) => [x.label, x.startFrame, x.endFrame]),
    [['a', 60, 180]],
  );
});

test('samples jittered by one video frame (2/s from 25 fps) still put a step at the right sample', () => {
  // First frame of each half-second bucket at 25 fps: 0, 0.52, 1.0, 1.52, …
  const times: number[] = [];
  for (let k = 0; k < 60; k++) times.push(Math.ceil((k / 2) * 25 - 1e-9) / 25);
  const s: ScoreSeries = {
    labels: ['x'],
    times: Float64Array.from(times),
    frames: Uint32Array.from(times.map((t) => Math.round(t * 25))),
    scores: Float32Array.from(times.map((t) => (t >= 12 && t < 18 ? 0.99 : 0))),
  };
  const tight = segmentsForLabel(s, 0, defaultSegmentParams, { duration: 30, frameCount: 750 });
  const tolerant = segmentsForLabel(s, 0, defaultSegmentParams, { duration: 30, frameCount: 750, frameDuration: 0.04 });
  assert.deepEqual(
    tolerant.map((x) => [x.start, x.end, x.startFrame, x.endFrame]),
    [[12, 18, 300, 450]],
  );
  // Without the half-frame tolerance the window at 12.0 sees 11.52 and 12.0 only and misses the step by a sample.
  assert.equal(tight[0]!.start, 12.52);
});
