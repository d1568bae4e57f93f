import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jobKinds } from '../../core/capabilities.js';
import { dedupeKeyFor } from '../../core/jobs/kind.js';
import { fieldVariants, sample } from '../helpers/zod-variants.js';
import { openTempCore } from '../helpers/library.js';

/**
 * The dedupe key covers every input field of every registered job kind: the key comes from the whole validated
 * input, so changing any one field (nested ones included) makes a different job. Kinds added later are covered
 * by the same loop; their inputs are generated from their schemas.
 */
test('changing any one input field of any job kind gives a different dedupe key', () => {
  assert.ok(jobKinds.length >= 7, 'every registered kind is checked');
  for (const kind of jobKinds) {
    const base = sample(kind.input) as Record<string, unknown> | undefined;
    assert.ok(base && typeof base === 'object', `${kind.kind}: a valid sample input can be built from its schema`);
    const baseKey = dedupeKeyFor(kind.kind, kind.input.parse(base));
    assert.equal(dedupeKeyFor(kind.kind, kind.input.parse(structuredClone(base))), baseKey, `${kind.kind}: the key is stable`);
    const { variants, fixed } = fieldVariants(kind.input, base);
    assert.deepEqual(fixed, [], `${kind.kind}: every field can be changed`);
    assert.ok(variants.length >= 1, `${kind.kind}: has input fields`);
    for (const v of variants) {
      const key = dedupeKeyFor(kind.kind, kind.input.parse(v.value));
      assert.notEqual(key, baseKey, `${kind.kind}: changing ${v.path} must give another job`);
    }
  }
});

test('the queue makes a separate job for each changed field, and shares the job for the same input', async (t) => {
  const { core, close } = await openTempCore({ runJobs: false });
  t.after(close);
  const db = core.services.db.writer;
  // Job rows point at videos: a few placeholder rows for the generated video ids.
  for (const id of [1, 2, 3, 5, 8, 10, 24, 100]) {
    await db
      .insertInto('videos')
      .values({
        id,
        path: `/tmp/v${id}.mp4`,
        original_path: `/tmp/v${id}.mp4`,
        name: `v${id}.mp4`,
        size: 1,
        mtime_ms: 0,
        sha256: `sha-${id}`,
        copied: 0,
        container: 'mov',
        duration: 1,
        fps_num: 25,
        fps_den: 1,
        width: 2,
        height: 2,
        display_width: 2,
        display_height: 2,
        rotation: 0,
        audio_streams: 0,
        subtitle_streams: 0,
        variable_frame_rate: 0,
        metadata_json: '{}',
        state: 'imported',
        imported_at: '2026-01-01T00:00:00.000Z',
        updated_at: '2026-01-01T00:00:00.000Z',
      } as never)
      .execute();
  }
  const insert = (kind: string, raw: unknown) => {
    const { input } = core.services.jobs.validate(kind, raw);
    return db.transaction().execute((trx) => core.services.jobs.insertJob(trx, kind, input, { owner: null, parentId: null }));
  };
  for (const kind of jobKinds) {
    const base = sample(kind.input) as Record<string, unknown>;
    const first = await insert(kind.kind, base);
    assert.equal(first.existing, false);
    assert.equal((await insert(kind.kind, structuredClone(base))).row.id, first.row.id, `${kind.kind}: same input, same job`);
    for (const v of fieldVariants(kind.input, base).variants) {
      const other = await insert(kind.kind, v.value);
      assert.equal(other.existing, false, `${kind.kind}: changing ${v.path} makes a new job`);
      await db.deleteFrom('jobs').where('id', '=', other.row.id).execute();
    }
  }
});

test('the key ignores key order and fields left out in favour of their defaults', () => {
  const predict = jobKinds.find((k) => k.kind === 'predict')!;
  const a = predict.input.parse({ videoId: 1, model: 'm', sampleFps: 5 });
  const b = predict.input.parse({ sampleFps: 5, model: 'm', videoId: 1, batchSize: 8, roi: null });
  assert.equal(dedupeKeyFor('predict', a), dedupeKeyFor('predict', b));
  assert.notEqual(dedupeKeyFor('predict', a), dedupeKeyFor('predict', predict.input.parse({ videoId: 1, model: 'm', sampleFps: 10 })));
  assert.notEqual(dedupeKeyFor('predict', a), dedupeKeyFor('frame-count', a), 'the kind is part of the key');
});
