import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { importAndWait, openTempCore } from '../helpers/library.js';
import { media } from '../helpers/media.js';
import { replacePredictionSegments } from '../../core/predict/segment-store.js';
import type { Core } from '../../core/core.js';
import type { CoreEvent } from '../../core/api/types.js';
import { FramewiseError } from '../../core/util/errors.js';
import { DB_FILE_NAME } from '../../core/db/open.js';

/** A library with one 8 s 25 fps video (200 frames) and two predicted segments of "tool". */
async function setup() {
  const lib = await openTempCore();
  const [job] = await importAndWait(lib.core, [await media.mp4(8, 'review-8s.mp4')]);
  const videoId = (job!.output as { videoId: number }).videoId;
  await lib.core.call('settings.set', { key: 'reviewerName', value: 'alice' });
  await lib.core.services.db.writer.transaction().execute(async (trx) => {
    const run = await trx
      .insertInto('prediction_runs')
      .values({
        video_id: videoId,
        model_name: 'm',
        model_version: '1',
        model_sha256: 'x',
        labels_json: '["tool","blood"]',
        params_json: '{}',
        sample_fps: 5,
        samples: 40,
        scores_path: 'none',
        job_id: null,
        created_at: new Date().toISOString(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await replacePredictionSegments(trx, {
      videoId,
      model: 'm',
      modelVersion: '1',
      runId: run.id,
      params: { thresholds: { default: 0.5 }, windowSeconds: 1, minSegmentSeconds: 1, mergeGapSeconds: 0.5, hysteresis: 0.1, sampleFps: 5 },
      segments: [
        { label: 'tool', start: 1, end: 2, startFrame: 25, endFrame: 50, meanScore: 0.8, maxScore: 0.9 },
        { label: 'tool', start: 4, end: 6, startFrame: 100, endFrame: 150, meanScore: 0.7, maxScore: 0.95 },
      ],
    });
  });
  return { ...lib, videoId };
}

const active = async (core: Core, videoId: number) =>
  (await core.call('segments.list', { video: videoId })).map((s) => `${s.label}:${s.startFrame}-${s.endFrame}${s.validated ? '✓' : ''}`);

async function rejectsWith(p: Promise<unknown>, code: string, re?: RegExp) {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof FramewiseError, String(err));
    assert.equal(err.code, code, err.message);
    if (re) assert.match(err.message, re);
    return true;
  });
}

test('moving a predicted segment creates a reviewer row superseding it; the prediction row is untouched', async () => {
  const { core, videoId, close } = await setup();
  try {
    const [p] = await core.call('segments.list', { video: videoId });
    const change = await core.call('segments.update', { video: videoId, id: p!.id, startFrame: 30 });
    assert.equal(change.entry?.op, 'update');
    assert.equal(change.entry?.who, 'alice');
    assert.deepEqual(
      change.entry?.before.map((s) => s.id),
      [p!.id],
    );
    const after = change.entry!.after[0]!;
    assert.equal(after.source, 'reviewer');
    assert.equal(after.supersedesId, p!.id);
    assert.equal(after.startFrame, 30);
    assert.equal(after.start, 30 / 25);
    assert.equal(after.endFrame, 50);
    assert.equal(after.meanScore, null);
    assert.deepEqual(await active(core, videoId), ['tool:30-50', 'tool:100-150']);
    const all = await core.call('segments.list', { video: videoId, includeInactive: true });
    const original = all.find((s) => s.id === p!.id)!;
    assert.equal(original.source, 'prediction');
    assert.equal(original.startFrame, 25);
    assert.equal(original.meanScore, 0.8);
  } finally {
    await close();
  }
});

test('times derive from frames with the exact fps fraction; bounds outside the video are refused', async () => {
  const { core, videoId, close } = await setup();
  try {
    const c = await core.call('segments.add', { video: videoId, label: 'blood', startFrame: 3, endFrame: 7 });
    assert.equal(c.entry!.after[0]!.start, 3 / 25);
    assert.equal(c.entry!.after[0]!.end, 7 / 25);
    await rejectsWith(core.call('segments.add', { video: videoId, label: 'blood', startFrame: 7, endFrame: 7 }), 'usage', /start < end/);
    await rejectsWith(core.call('segments.add', { video: videoId, label: 'blood', startFrame: 190, endFrame: 201 }), 'usage', /200 frames/);
    await rejectsWith(core.call('segments.add', { video: videoId, label: 'blood', startFrame: 1.5, endFrame: 7 } as never), 'usage');
  } finally {
    await close();
  }
});

test('split, merge, delete and change label, each with one history entry', async () => {
  const { core, videoId, close } = await setup();
  try {
    const [a, b] = await core.call('segments.list', { video: videoId });
    const split = await core.call('segments.split', { video: videoId, id: a!.id, frame: 40 });
    assert.deepEqual(await active(core, videoId), ['tool:25-40', 'tool:40-50', 'tool:100-150']);
    await rejectsWith(core.call('segments.split', { video: videoId, id: b!.id, frame: 100 }), 'usage', /not inside/);
    const [x, y] = split.entry!.after;
    const merged = await core.call('segments.merge', { video: videoId, ids: [y!.id, x!.id, b!.id] });
    assert.deepEqual(await active(core, videoId), ['tool:25-150']);
    assert.equal(merged.entry!.before.length, 3);
    const m = merged.entry!.after[0]!;
    const relabel = await core.call('segments.update', { video: videoId, id: m.id, label: 'blood' });
    assert.deepEqual(await active(core, videoId), ['blood:25-150']);
    await core.call('segments.delete', { video: videoId, ids: [relabel.entry!.after[0]!.id] });
    assert.deepEqual(await active(core, videoId), []);
    const history = await core.call('segments.history', { video: videoId });
    assert.deepEqual(
      history.map((h) => h.op),
      ['split', 'merge', 'update', 'delete'],
    );
    assert.ok(history.every((h) => h.who === 'alice' && h.at));
    // Prediction rows are all still there, unchanged.
    const preds = (await core.call('segments.list', { video: videoId, includeInactive: true })).filter((s) => s.source === 'prediction');
    assert.deepEqual(
      preds.map((s) => `${s.startFrame}-${s.endFrame}`),
      ['25-50', '100-150'],
    );
    await rejectsWith(core.call('segments.merge', { video: videoId, ids: [1, 1] }), 'usage');
  } finally {
    await close();
  }
});

test('validate, unvalidate, validate all in a lane and validate all; progress follows', async () => {
  const { core, videoId, close } = await setup();
  try {
    await core.call('segments.add', { video: videoId, label: 'blood', startFrame: 0, endFrame: 10 });
    const [blood, t1] = await core.call('segments.list', { video: videoId });
    let c = await core.call('segments.validate', { video: videoId, ids: [t1!.id] });
    assert.deepEqual(c.progress, { validated: 1, total: 3 });
    const v = c.entry!.after[0]!;
    c = await core.call('segments.validate', { video: videoId, ids: [v.id], validated: false });
    assert.equal(c.entry!.op, 'unvalidate');
    assert.deepEqual(c.progress, { validated: 0, total: 3 });
    c = await core.call('segments.validateAll', { video: videoId, label: 'tool' });
    assert.deepEqual(c.progress, { validated: 2, total: 3 });
    assert.deepEqual(await active(core, videoId), ['blood:0-10', 'tool:25-50✓', 'tool:100-150✓']);
    c = await core.call('segments.validateAll', { video: videoId });
    assert.equal(c.entry!.before.length, 1);
    assert.equal(c.entry!.before[0]!.id, blood!.id);
    assert.deepEqual(c.progress, { validated: 3, total: 3 });
    c = await core.call('segments.validateAll', { video: videoId });
    assert.equal(c.entry, null, 'nothing left to validate: no history entry');
    const { videos } = await core.call('videos.list', {});
    assert.deepEqual(videos.find((x) => x.id === videoId)!.review, { validated: 3, total: 3 });
    assert.deepEqual((await core.call('videos.get', { video: videoId })).review, { validated: 3, total: 3 });
  } finally {
    await close();
  }
});

test('undo and redo walk the session back and forth, each as a new history entry, and survive a reopen', async () => {
  const { core, videoId, dataDir, close } = await setup();
  let core2: Core | null = null;
  try {
    const [a] = await core.call('segments.list', { video: videoId });
    const e1 = await core.call('segments.update', { video: videoId, id: a!.id, startFrame: 20, endFrame: 60 });
    const e2 = await core.call('segments.split', { video: videoId, id: e1.entry!.after[0]!.id, frame: 40 });
    await core.call('segments.add', { video: videoId, label: 'blood', startFrame: 0, endFrame: 5 });
    const states: string[][] = [await active(core, videoId)];
    let u = await core.call('segments.undo', { video: videoId });
    assert.equal(u.entry!.op, 'undo');
    states.push(await active(core, videoId));
    assert.deepEqual(states[1], ['tool:20-40', 'tool:40-60', 'tool:100-150']);
    u = await core.call('segments.undo', { video: videoId, expectedEntryId: e2.entry!.id });
    assert.equal(u.entry!.undoOf, e2.entry!.id);
    assert.deepEqual(await active(core, videoId), ['tool:20-60', 'tool:100-150']);
    assert.equal(u.undoEntryId, e1.entry!.id);
    assert.equal(u.redoOp, 'undo');

    // Reopen the library: the session continues where it was.
    await core.close();
    const { Core: CoreClass } = await import('../../core/core.js');
    core2 = await CoreClass.open({ dataDir, runJobs: false });
    let st = await core2.call('review.state', { video: videoId });
    assert.equal(st.undoEntryId, e1.entry!.id);
    u = await core2.call('segments.undo', { video: videoId });
    assert.deepEqual(await active(core2, videoId), ['tool:25-50', 'tool:100-150']);
    assert.equal(u.undoEntryId, null);
    await rejectsWith(core2.call('segments.undo', { video: videoId }), 'precondition', /Nothing to undo/);
    // The original prediction is active again with its own id (its row was never changed).
    assert.equal((await core2.call('segments.list', { video: videoId }))[0]!.id, a!.id);

    const r1 = await core2.call('segments.redo', { video: videoId });
    assert.equal(r1.entry!.op, 'redo');
    assert.deepEqual(await active(core2, videoId), ['tool:20-60', 'tool:100-150']);
    // Redo re-inserts the very rows the edit made (same ids), so later redos still fit.
    assert.equal((await core2.call('segments.list', { video: videoId }))[0]!.id, e1.entry!.after[0]!.id);
    await core2.call('segments.redo', { video: videoId });
    assert.deepEqual(await active(core2, videoId), states[1]);
    await core2.call('segments.redo', { video: videoId });
    assert.deepEqual(await active(core2, videoId), states[0]);
    await rejectsWith(core2.call('segments.redo', { video: videoId }), 'precondition', /Nothing to redo/);
    // Undo of a redo, then a new edit clears the redo stack.
    await core2.call('segments.undo', { video: videoId });
    assert.deepEqual(await active(core2, videoId), states[1]);
    st = await core2.call('review.state', { video: videoId });
    assert.ok(st.redoEntryId);
    await core2.call('segments.add', { video: videoId, label: 'blood', startFrame: 150, endFrame: 160 });
    st = await core2.call('review.state', { video: videoId });
    assert.equal(st.redoEntryId, null);
    const ops = (await core2.call('segments.history', { video: videoId })).map((h) => h.op);
    assert.deepEqual(ops, ['update', 'split', 'add', 'undo', 'undo', 'undo', 'redo', 'redo', 'redo', 'undo', 'add']);
    // The history is append-only.
    assert.throws(() => core2!.services.db.raw.prepare('UPDATE segment_history SET who = ?').run('mallory'), /append-only/);
  } finally {
    await core2?.close();
    await close().catch(() => undefined);
  }
});

test('a stale edit is refused with a conflict naming who changed the segment; nothing is overwritten', async () => {
  const { core, videoId, close } = await setup();
  try {
    const [a] = await core.call('segments.list', { video: videoId });
    await core.call('segments.update', { video: videoId, id: a!.id, endFrame: 70 });
    // A second window still shows the old revision (id) and tries to move it.
    await rejectsWith(
      core.call('segments.update', { video: videoId, id: a!.id, startFrame: 0 }),
      'conflict',
      /changed by alice .*not saved/,
    );
    await rejectsWith(core.call('segments.delete', { video: videoId, ids: [a!.id] }), 'conflict');
    await rejectsWith(core.call('segments.validate', { video: videoId, ids: [a!.id] }), 'conflict');
    assert.deepEqual(await active(core, videoId), ['tool:25-70', 'tool:100-150']);
    // Undo refuses when the session moved on since the caller looked.
    const st = await core.call('review.state', { video: videoId });
    await core.call('segments.add', { video: videoId, label: 'blood', startFrame: 0, endFrame: 5 });
    await rejectsWith(core.call('segments.undo', { video: videoId, expectedEntryId: st.undoEntryId! }), 'conflict', /changed elsewhere/);
    // Undoing an edit whose result was edited since (outside the undo order) is a conflict too.
    const [b] = (await core.call('segments.list', { video: videoId })).filter((s) => s.label === 'blood');
    await core.call('segments.undo', { video: videoId }); // undo add
    await rejectsWith(core.call('segments.update', { video: videoId, id: b!.id, endFrame: 9 }), 'conflict', /no longer exists/);
    assert.equal((await core.call('segments.history', { video: videoId })).length, 3);
  } finally {
    await close();
  }
});

test('every edit publishes segments.changed with its history entry', async () => {
  const { core, videoId, close } = await setup();
  const events: CoreEvent[] = [];
  const off = core.subscribe((e) => events.push(e));
  try {
    const c = await core.call('segments.add', { video: videoId, label: 'blood', startFrame: 0, endFrame: 5 });
    await core.call('segments.undo', { video: videoId });
    const changed = events.filter((e) => e.type === 'segments.changed');
    assert.equal(changed.length, 2);
    assert.equal(changed[0]!.type === 'segments.changed' && changed[0]!.entry.id, c.entry!.id);
    assert.ok(events.some((e) => e.type === 'data.changed' && e.topic === 'segments' && e.videoId === videoId));
  } finally {
    off();
    await close();
  }
});

test('export and import as JSON and CSV round-trip labels, frames, seconds and validation', async () => {
  const { core, videoId, close } = await setup();
  try {
    await core.call('segments.add', { video: videoId, label: 'say "hi", ok', startFrame: 3, endFrame: 8, validated: true });
    const json = await core.call('segments.export', { video: videoId, format: 'json' });
    const csv = await core.call('segments.export', { video: videoId, format: 'csv' });
    assert.equal(json.count, 3);
    const parsed = JSON.parse(json.text) as { video: { fps: string }; segments: Array<Record<string, unknown>> };
    assert.equal(parsed.video.fps, '25/1');
    assert.deepEqual(parsed.segments[0], {
      label: 'say "hi", ok',
      start: 0.12,
      end: 0.32,
      startFrame: 3,
      endFrame: 8,
      source: 'reviewer',
      validated: true,
    });
    const lines = csv.text.trim().split('\n');
    assert.equal(lines[0], 'label,start,end,start_frame,end_frame,source,validated');
    assert.equal(lines[1], '"say ""hi"", ok",0.12,0.32,3,8,reviewer,true');
    assert.equal(lines[2], 'tool,1,2,25,50,prediction,false');

    // Into a second video.
    const [job2] = await importAndWait(core, [await media.mp4(6, 'review-6s.mp4')]);
    const v2 = (job2!.output as { videoId: number }).videoId;
    const imported = await core.call('segments.import', { video: v2, format: 'csv', text: csv.text });
    assert.equal(imported.added, 3);
    assert.equal(imported.entry!.op, 'import');
    assert.deepEqual(await active(core, v2), ['say "hi", ok:3-8✓', 'tool:25-50', 'tool:100-150']);
    assert.ok((await core.call('segments.list', { video: v2 })).every((s) => s.source === 'reviewer'));
    // Importing the same again adds nothing; JSON works too; seconds alone snap to frames.
    const again = await core.call('segments.import', { video: v2, format: 'json', text: json.text });
    assert.equal(again.added, 0);
    assert.equal(again.skipped, 3);
    const secs = await core.call('segments.import', { video: v2, format: 'csv', text: 'label,start,end\nblood,0.5,0.61\n' });
    assert.equal(secs.entry!.after[0]!.startFrame, 13);
    assert.equal(secs.entry!.after[0]!.endFrame, 15);
    await rejectsWith(core.call('segments.import', { video: v2, format: 'csv', text: 'label,start,end\nblood,x,1\n' }), 'usage', /line 2/);
    await rejectsWith(core.call('segments.import', { video: v2, format: 'json', text: '{"nope":1}' }), 'usage');
  } finally {
    await close();
  }
});

test('sprite sheets: one ffmpeg pass into 10x10 JPEG sheets with an index, stored as artifacts', async () => {
  const { core, videoId, close } = await setup();
  try {
    const { job } = await core.call('review.sprites', { video: videoId });
    const done = await core.services.jobs.waitFor(job.id, 120_000);
    assert.equal(done.state, 'succeeded', JSON.stringify(done.error));
    const st = await core.call('review.state', { video: videoId });
    assert.ok(st.sprites);
    assert.equal(st.sprites.interval, 1);
    assert.equal(st.sprites.count, 8);
    assert.equal(st.sprites.sheets.length, 1);
    assert.equal(st.sprites.tileWidth, 160);
    assert.equal(st.sprites.tileHeight, 120);
    const { path: file } = await core.mediaPath({ kind: 'artifact', id: st.sprites.sheets[0]! });
    const info = await core.services.ffmpeg.probe(file);
    assert.equal(info.video?.width, 1600);
    assert.equal(info.video?.height, 1200);
  } finally {
    await close();
  }
});

test('review.state lists the active segments as segments.list does, with the timeline fields, fresh after every commit', async () => {
  const { core, videoId, dataDir, close } = await setup();
  const timelineFields = async () =>
    (await core.call('segments.list', { video: videoId })).map((s) => ({
      id: s.id,
      label: s.label,
      start: s.start,
      end: s.end,
      startFrame: s.startFrame,
      endFrame: s.endFrame,
      source: s.source,
      meanScore: s.meanScore,
      maxScore: s.maxScore,
      validated: s.validated,
    }));
  const same = async () => {
    const st = await core.call('review.state', { video: videoId });
    const list = await timelineFields();
    assert.deepEqual(st.segments, list);
    assert.deepEqual(st.progress, { validated: list.filter((s) => s.validated).length, total: list.length });
    return st;
  };
  try {
    const first = await same();
    assert.equal(first.segments.length, 2);
    assert.equal(first.segments[0]!.meanScore, 0.8);
    // Unchanged library: the same answer again (kept in memory), still a list the caller may sort.
    (await same()).segments.reverse();
    await same();
    // An edit through this core.
    await core.call('segments.add', { video: videoId, label: 'blood', startFrame: 0, endFrame: 5 });
    assert.equal((await same()).segments.length, 3);
    // A commit by another connection (another process sharing the library, e.g. the CLI) is seen at once.
    const { default: Database } = await import('better-sqlite3');
    const other = new Database(path.join(dataDir, DB_FILE_NAME));
    try {
      // (A raw write only to make a commit from another connection; the app itself never changes rows in place.)
      other.prepare('UPDATE segments SET validated = 1 WHERE video_id = ? AND label = ?').run(videoId, 'blood');
    } finally {
      other.close();
    }
    const st = await same();
    assert.deepEqual(st.progress, { validated: 1, total: 3 });
  } finally {
    await close();
  }
});
