import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Core } from '../../core/core.js';
import { DB_FILE_NAME } from '../../core/library-db.js';
import { anonymizeJobOutputSchema } from '../../core/anonymize/job.js';
import { regionSchema, timedMaskSchema, type AnonymizationPlan } from '../../core/anonymize/types.js';
import { sourceOverridesSchema } from '../../core/anonymize/sources.js';
import { maskAlpha } from '../../core/anonymize/mask.js';
import { regionKey, storedRegionKey } from '../../core/timed-masks/store.js';
import { anonymizedSource } from '../../core/subtitles/anonymized.js';
import { tempDir } from '../helpers/library.js';

/**
 * Frame ranges are `startFrame`/`endFrame` (seconds `start`/`end`). Plans stored before the rename named frame
 * ranges `start`/`end`: migration 43 rewrites the export audit, and every reader of stored plans and masks
 * (export audit, sealed job outputs and inputs, subtitles onto an anonymized export) accepts the old shape.
 * The endoscope region is one flat type (`core/util/endoscope-region.ts`, shapes circle/octagon/rectangle);
 * plans stored before it held `{rect, shape: rect|round|octagon}`, upgraded when read (no migration: most
 * stored plans are sealed).
 */
const oldPlan = {
  version: 1,
  input: { width: 640, height: 360, fps: '25/1', duration: 12, frameCount: 300, audioStreams: 1 },
  masks: {
    region: { rect: { x: 300, y: 20, width: 320, height: 320 }, shape: 'round' },
    boxes: [],
    style: 'fill',
    timed: [{ start: 200, end: 240, rect: { x: 1, y: 2, width: 3, height: 4 }, source: 'scan' }],
  },
  crop: null,
  output: { width: 640, height: 360, codec: 'h264', preset: 'fast' },
  removed: [{ start: 125, end: 175, label: 'outside', validated: true }],
  blacked: [],
  kept: [
    { start: 0, end: 125 },
    { start: 175, end: 300 },
  ],
  keptFrames: 250,
  expectedDuration: 10,
  audio: { keep: true, reason: 'r', mutedSpeech: [{ start: 0.5, end: 1.25 }] },
  ignoredSegments: [{ start: 10, end: 20, label: 'outside', reason: 'not reviewed' }],
  warnings: [],
};

const newRanges = {
  removed: [{ startFrame: 125, endFrame: 175, label: 'outside', validated: true }],
  kept: [
    { startFrame: 0, endFrame: 125 },
    { startFrame: 175, endFrame: 300 },
  ],
  ignoredSegments: [{ startFrame: 10, endFrame: 20, label: 'outside', reason: 'not reviewed' }],
  timed: [{ startFrame: 200, endFrame: 240, rect: { x: 1, y: 2, width: 3, height: 4 }, source: 'scan' }],
  // Seconds keep start/end.
  mutedSpeech: [{ start: 0.5, end: 1.25 }],
  region: { x: 300, y: 20, width: 320, height: 320, shape: 'circle' },
};

function insertExport(raw: Database.Database, plan: unknown): number {
  return Number(
    raw
      .prepare(
        `INSERT INTO anonymize_exports (video_id, video_sha256, who, state, output_path, options_json, plan_json, started_at)
         VALUES (7, 'x', 'dr-test', 'verified', '/out/a.mp4', '{}', ?, '2026-01-01T00:00:00Z')`,
      )
      .run(JSON.stringify(plan)).lastInsertRowid,
  );
}

test('migration 43 renames the frame ranges of stored export plans; readers accept plans it could not reach', async () => {
  const t = tempDir();
  try {
    await (await Core.open({ dataDir: t.dir })).close();
    // A library from before the rename: migration 43 not applied, an export audited with the old plan shape.
    const raw = new Database(path.join(t.dir, DB_FILE_NAME));
    raw.prepare('DELETE FROM schema_migrations WHERE version = 43').run();
    raw.pragma('user_version = 42');
    const migrated = insertExport(raw, oldPlan);
    raw.close();

    const core = await Core.open({ dataDir: t.dir });
    try {
      const stored = core.services.db.raw.prepare('SELECT plan_json FROM anonymize_exports WHERE id = ?').get(migrated) as {
        plan_json: string;
      };
      const plan = JSON.parse(stored.plan_json);
      assert.deepEqual(
        {
          removed: plan.removed,
          kept: plan.kept,
          ignoredSegments: plan.ignoredSegments,
          timed: plan.masks.timed,
          mutedSpeech: plan.audio.mutedSpeech,
          region: plan.masks.region,
        },
        { ...newRanges, region: oldPlan.masks.region },
        'migration 43 leaves the region to the read-time upgrade',
      );
      assert.deepEqual(plan.input, oldPlan.input, 'the rest of the plan is untouched');

      // A plan the migration did not reach (as in a sealed job output) is still read in today's shape.
      const late = insertExport(core.services.db.raw, oldPlan);
      const all = await core.call('anonymize.exports', {});
      for (const id of [migrated, late]) {
        const p = all.find((r) => r.id === id)!.plan!;
        assert.deepEqual(
          {
            removed: p.removed,
            kept: p.kept,
            ignoredSegments: p.ignoredSegments,
            timed: p.masks.timed,
            mutedSpeech: p.audio.mutedSpeech,
            region: p.masks.region,
          },
          newRanges,
          `export ${id}`,
        );
      }
      // Subtitles onto an anonymized export read the kept frame ranges.
      assert.deepEqual((await anonymizedSource(core.services, 7, late)).kept, newRanges.kept);
    } finally {
      await core.close();
    }
  } finally {
    t.cleanup();
  }
});

/** A job output stored before the frame ranges were renamed, read with today's schema. */
const storedOldJobOutput = () =>
  anonymizeJobOutputSchema.parse({
    exportId: 1,
    outputPath: '/o.mp4',
    sha256: 'x',
    size: 1,
    plan: oldPlan,
    verification: { ok: true },
    renderSeconds: 1,
    command: [],
  });

test('old-shape masks in stored job inputs and plans in stored job outputs parse in today’s shape', () => {
  assert.deepEqual(timedMaskSchema.parse(oldPlan.masks.timed[0]), newRanges.timed[0]);
  assert.deepEqual(timedMaskSchema.parse(newRanges.timed[0]), newRanges.timed[0]);
  assert.throws(() => timedMaskSchema.parse({ ...newRanges.timed[0], endFrame: 200 }), /mask end must be after start/);
  const out = storedOldJobOutput();
  assert.deepEqual(out.plan.kept, newRanges.kept);
  assert.deepEqual(out.plan.masks.timed, newRanges.timed);
  assert.deepEqual(out.plan.audio.mutedSpeech, newRanges.mutedSpeech);
  assert.deepEqual(out.plan.masks.region, newRanges.region);
});

test('an old-shape endoscope region reads as today’s region and masks the same pixels', () => {
  const shapes = [
    [
      { rect: { x: 1, y: 2, width: 30, height: 40 }, shape: 'rect' },
      { x: 1, y: 2, width: 30, height: 40, shape: 'rectangle' },
    ],
    [
      { rect: { x: 1, y: 2, width: 30, height: 40 }, shape: 'round' },
      { x: 1, y: 2, width: 30, height: 40, shape: 'circle' },
    ],
    [
      { rect: { x: 1, y: 2, width: 30, height: 40 }, shape: 'octagon', cornerCut: 0.3 },
      { x: 1, y: 2, width: 30, height: 40, shape: 'octagon', cornerCut: 0.3 },
    ],
  ] as const;
  for (const [old, now] of shapes) {
    // The overrides input (IPC, bridge, stored job inputs) accepts both shapes.
    assert.deepEqual(regionSchema.parse(old), now);
    assert.deepEqual(regionSchema.parse(now), now);
    assert.deepEqual(sourceOverridesSchema.parse({ region: old }).region, now);
  }
  assert.throws(() => regionSchema.parse({ rect: { x: 1, y: 2, width: 30, height: 40 }, shape: 'ellipse' }));
  assert.throws(() => regionSchema.parse({ x: 1, y: 2, width: 30, height: 40, shape: 'round' }));

  // The stored old plan masks the same pixels as the plan written today (a circle: some kept, some hidden).
  const stored = storedOldJobOutput().plan;
  const today = { ...stored, masks: { ...stored.masks, region: { ...newRanges.region } } } as AnonymizationPlan;
  const a = maskAlpha(stored);
  const kept = a.reduce((n, v) => n + (v ? 0 : 1), 0);
  assert.ok(kept > 0.7 * 320 * 320 && kept < 0.8 * 320 * 320, `the circle is kept (${kept} px)`);
  assert.deepEqual(a, maskAlpha(today));

  // A text scan recorded for the old-shape region still counts as made for that region (no needless re-scan).
  const oldKey = JSON.stringify({ rect: { x: 300, y: 20, width: 320, height: 320 }, shape: 'round', cornerCut: null });
  assert.equal(storedRegionKey(oldKey), regionKey(today.masks.region));
  assert.equal(storedRegionKey(regionKey(today.masks.region)), regionKey(today.masks.region));
  assert.notEqual(storedRegionKey(oldKey), regionKey({ ...newRanges.region, shape: 'rectangle' }));
});
