import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRouter } from '../../core/api/router.js';
import { importAndWait, openTempCore } from '../helpers/library.js';
import { media } from '../helpers/media.js';

test(
  'the IPC router (shared by the bridge and Electron) dispatches to the real core and serializes errors',
  { timeout: 120_000 },
  async (t) => {
    const lib = await openTempCore();
    t.after(() => lib.close());
    const router = createRouter(lib.core);
    const [job] = await importAndWait(lib.core, [await media.mp4(2)]);
    const videoId = (job!.output as { videoId: number }).videoId;

    const ok = await router.handle({ id: 1, method: 'videos.list', params: {} });
    assert.equal(ok.ok, true);
    assert.equal(ok.id, 1);
    assert.equal((ok as { result: { total: number } }).result.total, 1);

    const got = await router.handle({ id: 'a', method: 'videos.get', params: { video: videoId } });
    assert.ok(got.ok);
    assert.equal((got as { result: { id: number } }).result.id, videoId);

    // Params are validated by the command's schema: a wrong type and an unknown key both fail as usage errors.
    const badParams = await router.handle({ id: 2, method: 'videos.get', params: { video: -3 } });
    assert.deepEqual(badParams.ok, false);
    assert.equal((badParams as { error: { code: string } }).error.code, 'usage');
    const extraKey = await router.handle({ id: 3, method: 'videos.list', params: { evil: true } });
    assert.equal((extraKey as { error: { code: string } }).error.code, 'usage');

    const unknown = await router.handle({ id: 4, method: 'fs.readFile', params: { path: '/etc/passwd' } });
    assert.equal(unknown.ok, false);
    assert.equal((unknown as { error: { code: string; message: string } }).error.code, 'usage');
    assert.match((unknown as { error: { message: string } }).error.message, /Unknown command "fs\.readFile"/);

    const notFound = await router.handle({ id: 5, method: 'videos.get', params: { video: 999 } });
    assert.deepEqual(notFound, { id: 5, ok: false, error: { code: 'not_found', message: 'No video with id 999' } });

    // Malformed messages never reach the core.
    for (const [msg, id] of [
      [null, null],
      ['videos.list', null],
      [{ method: 'videos.list' }, null],
      [{ id: 6, method: 42 }, 6],
      [{ id: 7, method: 'videos.list', params: {}, extra: 1 }, 7],
      [{ __invalidJson: true }, null],
    ] as Array<[unknown, number | null]>) {
      const r = await router.handle(msg);
      assert.equal(r.ok, false, JSON.stringify(msg));
      assert.equal(r.id, id);
      assert.equal((r as { error: { code: string } }).error.code, 'usage');
    }
    // Responses are plain JSON (they cross process and socket boundaries).
    assert.deepEqual(JSON.parse(JSON.stringify(got)), got);
  },
);
