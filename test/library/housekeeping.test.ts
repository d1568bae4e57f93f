import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { importOutput } from '../../core/library/import-job.js';
import { importAndWait, openTempCore, tempDir } from '../helpers/library.js';
import { media } from '../helpers/media.js';

test(
  'housekeeping: remove videos (with or without the library copy), dismiss failed imports, search patient text',
  { timeout: 180_000 },
  async (t) => {
    const lib = await openTempCore();
    const inputs = tempDir('framewise-housekeeping-');
    t.after(async () => {
      await lib.close();
      inputs.cleanup();
    });
    const core = lib.core;
    const [a, b] = [await media.mp4(2), await media.webm(2)];
    const [copiedJob] = await importAndWait(core, [a], true);
    const copied = importOutput.parse(copiedJob!.output).videoId;
    // Searching and sorting by the sealed names use an in-memory index of the opened names (name-index.ts): it
    // must follow every import and removal.
    const byName = async (q: { search?: string } = {}) => (await core.call('videos.list', { sort: 'name', ...q })).videos.map((v) => v.id);
    assert.deepEqual(await byName(), [copied]);
    const [referencedJob] = await importAndWait(core, [b], false);
    const referenced = importOutput.parse(referencedJob!.output).videoId;
    const nameB = path.basename(b);
    assert.deepEqual(await byName({ search: nameB.toUpperCase() }), [referenced], 'the new import is found by name');
    assert.deepEqual(await byName(), path.basename(a).localeCompare(nameB) < 0 ? [copied, referenced] : [referenced, copied]);
    const copiedPath = (await core.call('videos.get', { video: copied })).path;
    assert.notEqual(copiedPath, a, 'the library holds its own copy');
    assert.ok(existsSync(copiedPath));

    await t.test('search finds a case number and an exam date typed the German way; only matching videos', async () => {
      await core.call('patient.update', { video: copied, set: { casenumber: 'F-2024-0815', examination_date: '2024-09-07' } });
      assert.deepEqual((await core.call('videos.search', { query: '0815' })).videoIds, [copied]);
      assert.deepEqual((await core.call('videos.search', { query: '07.09.2024' })).videoIds, [copied]);
      assert.deepEqual((await core.call('videos.search', { query: 'f-2024' })).videoIds, [copied]);
      assert.deepEqual((await core.call('videos.search', { query: 'nothing-like-this' })).videoIds, []);
    });

    await t.test('removing without deleting copies keeps every file; deleting copies removes only the library copy', async () => {
      const events: unknown[] = [];
      const off = core.subscribe((e) => e.type === 'video.removed' && events.push(e.videoId));
      const r1 = await core.call('videos.remove', { ids: [referenced], deleteCopies: true });
      assert.deepEqual(r1, { removed: [referenced], deletedFiles: 0 }, 'a referenced original is never deleted');
      assert.ok(existsSync(b), 'the original stays');
      assert.deepEqual(await byName(), [copied], 'the removed video leaves the name order');
      const r2 = await core.call('videos.remove', { ids: [copied], deleteCopies: true });
      assert.deepEqual(r2, { removed: [copied], deletedFiles: 1 });
      assert.ok(!existsSync(copiedPath), 'the library copy is gone');
      assert.ok(existsSync(a), 'the original it was copied from stays');
      off();
      assert.deepEqual(events, [referenced, copied]);
      const list = await core.call('videos.list', {});
      assert.equal(list.total, 0);
      assert.deepEqual(await byName({ search: nameB }), [], 'a removed video is not found by name');
      assert.deepEqual(await byName(), []);
      assert.deepEqual((await core.call('videos.search', { query: '0815' })).videoIds, [], 'patient data went with the video');
      await assert.rejects(core.call('videos.remove', { ids: [copied] }), (e: { code: string }) => e.code === 'not_found');
    });

    await t.test('a failed import can be dismissed; the file is not touched', async () => {
      const bad = path.join(inputs.dir, 'bad.mp4');
      writeFileSync(bad, 'this is not a video');
      const [job] = await importAndWait(core, [bad]);
      assert.equal(job!.state, 'failed');
      const before = await core.call('videos.list', {});
      assert.deepEqual(
        before.failedImports.map((f) => f.path),
        [bad],
      );
      assert.equal(before.failedImports[0]!.error.code, 'not_media');
      assert.deepEqual(await core.call('imports.dismiss', { jobIds: [job!.id] }), { dismissed: 1 });
      assert.deepEqual((await core.call('videos.list', {})).failedImports, []);
      assert.ok(existsSync(bad));
    });
  },
);
