import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { nowIso } from '../../core/db/open.js';
import { getSegments } from '../../core/segments/store.js';
import { readScores, recordSize } from '../../core/predict/scores.js';
import { importAndWait, openTempCore, tempDir } from '../helpers/library.js';
import { predictAndWait, redManifest, redModelBytes, redSceneVideo, waitIdle, writeModelDir, importIdle } from './helpers.js';

const near = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance + 1e-9, `${what}: ${actual} not within ${tolerance} of ${expected}`);

test('predict: a red scene at 12–18 s becomes an `outside` segment within one sample interval; reviewer segments survive a re-run', async () => {
  const video = await redSceneVideo();
  const lib = await openTempCore();
  const dir = tempDir();
  try {
    const [imp] = await importAndWait(lib.core, [video]);
    assert.equal(imp?.state, 'succeeded', JSON.stringify(imp?.error));
    const videoId = (imp!.output as { videoId: number }).videoId;
    await waitIdle(lib.core);
    await lib.core.call('models.add', { manifestPath: writeModelDir(dir.dir, redManifest(), redModelBytes()) });

    const job = await predictAndWait(lib.core, { video: videoId, model: 'colour-outside', fps: 5 });
    assert.equal(job.state, 'succeeded', JSON.stringify(job.error));
    const out = job.output as {
      samples: number;
      segmentCounts: Record<string, number>;
      scoresPath: string;
      runId: number;
      pipeline?: { decodeMs: number | null; inferMs: number | null; maxQueue: number };
    };
    assert.equal(out.samples, 150); // 30 s at 5 samples per second
    // Both rates were measured on this job; the inference worker read the frames itself, one batch at a time
    // (pipeline-in-worker.ts: the queue is ffmpeg's FIFO, not batches sized by queue-sizer.ts).
    assert.ok(out.pipeline && out.pipeline.decodeMs! > 0 && out.pipeline.inferMs! > 0, JSON.stringify(out.pipeline));
    assert.equal(out.pipeline.maxQueue, 1, JSON.stringify(out.pipeline));
    assert.deepEqual(out.segmentCounts, { outside: 1, dark: 2 });

    // Scores are one compact file: header + one fixed-size record per sample, not rows.
    const scoresFile = path.join(lib.dataDir, 'artifacts', out.scoresPath);
    const stored = await readScores(scoresFile);
    assert.deepEqual(stored.labels, ['outside', 'dark']);
    assert.equal(stored.times.length, 150);
    assert.ok(statSync(scoresFile).size < 1024 + 150 * recordSize(2));
    for (let i = 0; i < 150; i++) {
      near(stored.times[i]!, i * 0.2, 1e-6, `sample ${i} time`);
      assert.equal(stored.frames[i], i * 5, `sample ${i} frame`);
    }

    const sampleInterval = 0.2;
    const segs = await lib.core.call('segments.list', { video: videoId });
    const outside = segs.filter((s) => s.label === 'outside');
    assert.equal(outside.length, 1);
    const o = outside[0]!;
    near(o.start, 12, sampleInterval, 'outside start');
    near(o.end, 18, sampleInterval, 'outside end');
    near(o.startFrame, 300, 5, 'outside start frame');
    near(o.endFrame, 450, 5, 'outside end frame');
    assert.equal(o.source, 'prediction');
    assert.equal(o.model, 'colour-outside');
    assert.equal(o.modelVersion, '1.0.0');
    assert.equal(o.validated, false);
    assert.ok(o.meanScore! > 0.9 && o.maxScore! > 0.99, `scores ${o.meanScore} ${o.maxScore}`);
    assert.equal((o.params as { windowSeconds: number; sampleFps: number }).windowSeconds, 1);
    assert.equal((o.params as { sampleFps: number }).sampleFps, 5);
    const dark = segs.filter((s) => s.label === 'dark');
    assert.equal(dark.length, 2);
    near(dark[0]!.start, 0, 1e-9, 'dark 1 start');
    near(dark[0]!.end, 12, sampleInterval, 'dark 1 end');
    near(dark[1]!.start, 18, sampleInterval, 'dark 2 start');
    near(dark[1]!.end, 30, 0.05, 'dark 2 end (video end)');
    assert.equal(dark[1]!.endFrame, 750);

    // A reviewer corrects the predicted segment (a new row superseding it) and adds one of their own.
    const db = lib.core.services.db.writer;
    const now = nowIso();
    const base = {
      video_id: videoId,
      source: 'reviewer' as const,
      model: null,
      model_version: null,
      run_id: null,
      params_json: null,
      mean_score: null,
      max_score: null,
      deleted: 0,
      created_at: now,
      updated_at: now,
      created_by: 'dr-test',
    };
    const edit = await db
      .insertInto('segments')
      .values({
        ...base,
        label: 'outside',
        start_frame: 295,
        end_frame: 455,
        start_time: 11.8,
        end_time: 18.2,
        validated: 1,
        supersedes_id: o.id,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const own = await db
      .insertInto('segments')
      .values({ ...base, label: 'blood', start_frame: 25, end_frame: 50, start_time: 1, end_time: 2, validated: 0, supersedes_id: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    const active = await getSegments(lib.core.services.db.reader, videoId, { labels: ['outside'] });
    assert.deepEqual(
      active.map((s) => [s.id, s.source]),
      [[edit.id, 'reviewer']],
    );

    // The built-in model's segments on the same video are another model's: a re-run of colour-outside keeps them.
    const fq = await predictAndWait(lib.core, { video: videoId, model: 'frame-quality', fps: 5 });
    assert.equal(fq.state, 'succeeded', JSON.stringify(fq.error));
    const fqBefore = (await lib.core.call('segments.list', { video: videoId, model: 'frame-quality', sources: ['prediction'] })).map(
      (s) => s.id,
    );
    assert.ok(fqBefore.length > 0);

    const again = await predictAndWait(lib.core, { video: videoId, model: 'colour-outside', fps: 5 });
    assert.equal(again.state, 'succeeded', JSON.stringify(again.error));
    // The previous scores file was replaced.
    assert.ok(!existsSync(scoresFile));
    const all = await lib.core.call('segments.list', { video: videoId, includeInactive: true });
    const byId = new Map(all.map((s) => [s.id, s]));
    // Reviewer rows untouched; the superseded prediction row kept as their history; the other old rows replaced.
    assert.equal(byId.get(edit.id)?.startFrame, 295);
    assert.equal(byId.get(edit.id)?.validated, true);
    assert.equal(byId.get(own.id)?.label, 'blood');
    assert.ok(byId.has(o.id));
    assert.ok(!byId.has(dark[0]!.id) && !byId.has(dark[1]!.id));
    const newPredicted = all.filter((s) => s.source === 'prediction' && s.model === 'colour-outside' && s.id !== o.id);
    // The span the reviewer corrected is theirs: the re-run does not add a new `outside` prediction beside it.
    assert.deepEqual(newPredicted.map((s) => s.label).sort(), ['dark', 'dark']);
    const activeOutside = await getSegments(lib.core.services.db.reader, videoId, { labels: ['outside'] });
    assert.deepEqual(
      activeOutside.map((s) => [s.id, s.source]),
      [[edit.id, 'reviewer']],
    );
    const fqAfter = (await lib.core.call('segments.list', { video: videoId, model: 'frame-quality', sources: ['prediction'] })).map(
      (s) => s.id,
    );
    assert.deepEqual(fqAfter, fqBefore);

    // What anonymization asks for: validated `outside` ranges only.
    const validated = await getSegments(lib.core.services.db.reader, videoId, { labels: ['outside'], validatedOnly: true });
    assert.deepEqual(
      validated.map((s) => [s.startFrame, s.endFrame, s.source]),
      [[295, 455, 'reviewer']],
    );

    // One run per model is kept, with its parameters.
    const runs = await lib.core.call('predict.runs', { video: videoId });
    assert.deepEqual(
      runs.map((r) => [r.model, r.samples, r.jobId]),
      [
        ['colour-outside', 150, again.id],
        ['frame-quality', 150, fq.id],
      ],
    );

    // Re-thresholding uses the stored scores: no job, no inference; reviewer rows untouched.
    const jobsBefore = (await lib.core.call('jobs.list', {})).length;
    const rs = await lib.core.call('predict.resegment', {
      video: videoId,
      model: 'colour-outside',
      thresholds: { dark: 0.9 },
      windowSeconds: 2,
    });
    // outside: the reviewer ruled on that span, so no new prediction; dark: its scores (~0.84) stay under 0.9.
    assert.equal(rs.segments, 0);
    assert.equal((await lib.core.call('jobs.list', {})).length, jobsBefore);
    const afterResegment = await lib.core.call('segments.list', { video: videoId, model: 'colour-outside', sources: ['prediction'] });
    assert.deepEqual(afterResegment, []);
    // A lower dark threshold brings the dark segments back, with the parameters used.
    const rs2 = await lib.core.call('predict.resegment', {
      video: videoId,
      model: 'colour-outside',
      thresholds: { dark: 0.5 },
      windowSeconds: 2,
    });
    assert.equal(rs2.segments, 2);
    const darkAgain = await lib.core.call('segments.list', { video: videoId, model: 'colour-outside', sources: ['prediction'] });
    assert.deepEqual(
      darkAgain.map((x) => x.label),
      ['dark', 'dark'],
    );
    assert.equal((darkAgain[0]!.params as { windowSeconds: number }).windowSeconds, 2);
    assert.equal((darkAgain[0]!.params as { thresholds: Record<string, number> }).thresholds.dark, 0.5);
    assert.equal((await lib.core.call('segments.list', { video: videoId, sources: ['reviewer'] })).length, 2);
    await assert.rejects(
      lib.core.call('predict.resegment', { video: videoId, model: 'colour-outside', thresholds: { blood: 0.5 } }),
      /not a label/,
    );

    // Score curves for display.
    const curves = await lib.core.call('predict.scores', { video: videoId, model: 'colour-outside', maxPoints: 30 });
    assert.ok(curves);
    assert.deepEqual(curves.labels, ['outside', 'dark']);
    assert.equal(curves.times.length, 30);
    assert.equal(curves.scores[0]!.length, 30);
    assert.ok(Math.max(...curves.scores[0]!) > 0.99);
  } finally {
    dir.cleanup();
    await lib.close();
  }
});

test('predict: every frame is sampled with consecutive frame numbers and exact times', async () => {
  const video = await redSceneVideo();
  const lib = await openTempCore();
  const dir = tempDir();
  try {
    const videoId = await importIdle(lib.core, video);
    await lib.core.call('models.add', {
      manifestPath: writeModelDir(dir.dir, redManifest({ smoothing: { windowSeconds: 0, minSegmentSeconds: 1 } }), redModelBytes()),
    });
    const job = await predictAndWait(lib.core, { video: videoId, model: 'colour-outside', fps: 'all' });
    assert.equal(job.state, 'succeeded', JSON.stringify(job.error));
    const out = job.output as { samples: number; scoresPath: string };
    assert.equal(out.samples, 750);
    const stored = await readScores(path.join(lib.dataDir, 'artifacts', out.scoresPath));
    for (let i = 0; i < 750; i++) {
      assert.equal(stored.frames[i], i);
      near(stored.times[i]!, i / 25, 1e-6, `frame ${i} time`);
    }
    // Without smoothing the boundaries are the exact frames where the red scene starts and ends.
    const [o] = await lib.core.call('segments.list', { video: videoId, labels: ['outside'] });
    assert.deepEqual([o?.startFrame, o?.endFrame], [300, 450]);
    near(o!.start, 12, 1e-6, 'start');
    near(o!.end, 18, 1e-6, 'end');
  } finally {
    dir.cleanup();
    await lib.close();
  }
});

test('predict: a model with a fixed batch size (3, not a divisor of the batch of 8) gets padded batches', async () => {
  const video = await redSceneVideo();
  const lib = await openTempCore();
  const dir = tempDir();
  try {
    const videoId = await importIdle(lib.core, video);
    await lib.core.call('models.add', { manifestPath: writeModelDir(dir.dir, redManifest(), redModelBytes(32, { batch: 3 })) });
    const job = await predictAndWait(lib.core, { video: videoId, model: 'colour-outside', fps: 5 });
    assert.equal(job.state, 'succeeded', JSON.stringify(job.error));
    assert.equal((job.output as { samples: number }).samples, 150);
    const [o] = await lib.core.call('segments.list', { video: videoId, labels: ['outside'] });
    near(o!.start, 12, 0.2, 'start');
    near(o!.end, 18, 0.2, 'end');
  } finally {
    dir.cleanup();
    await lib.close();
  }
});
