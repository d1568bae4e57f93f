import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { importAndWait, openTempCore, tempDir } from '../helpers/library.js';
import { sceneMedia } from '../helpers/scenes.js';
import { parseMediaTarget } from '../../core/media/targets.js';
import { FramewiseError } from '../../core/util/errors.js';

test('an exported clip is playable as media clip/<id> while its file holds the clip’s current frames', { timeout: 300_000 }, async (t) => {
  const lib = await openTempCore();
  const out = tempDir('framewise-clip-files-');
  t.after(async () => {
    await lib.close();
    out.cleanup();
  });
  assert.deepEqual(parseMediaTarget('clip/4'), { kind: 'clip', id: 4 });
  assert.equal(parseMediaTarget('clip/../1'), null);
  const [imp] = await importAndWait(lib.core, [await sceneMedia.cuts()]);
  const video = (imp!.output as { videoId: number }).videoId;
  const det = await lib.core.call('scenes.detect', { video, detector: 'content' });
  if (det.jobId) assert.equal((await lib.core.services.jobs.waitFor(det.jobId, 120_000)).state, 'succeeded');
  let clips = (await lib.core.call('clips.fromScenes', { video })).clips;
  assert.equal(clips.length, 4);
  assert.deepEqual(await lib.core.call('clips.exported', { video }), [], 'nothing exported yet');
  const notFound = (p: Promise<unknown>) => assert.rejects(p, (e: unknown) => e instanceof FramewiseError && e.code === 'not_found');
  await notFound(lib.core.mediaPath({ kind: 'clip', id: clips[0]!.id }));

  const { jobId } = await lib.core.call('clips.export', { video, dir: out.dir, ids: [clips[0]!.id, clips[1]!.id], mode: 'copy' });
  assert.equal((await lib.core.services.jobs.waitFor(jobId, 120_000)).state, 'succeeded');
  const exported = await lib.core.call('clips.exported', { video });
  assert.deepEqual(
    exported.map((e) => [e.clipId, e.n, path.basename(e.path), e.mode]),
    [
      [clips[0]!.id, 1, 'scenes-cuts-25fps-1.mp4', 'copy'],
      [clips[1]!.id, 2, 'scenes-cuts-25fps-2.mp4', 'copy'],
    ],
  );
  const media = await lib.core.mediaPath({ kind: 'clip', id: clips[1]!.id });
  assert.equal(media.path, exported[1]!.path);
  assert.equal(media.contentType, 'video/mp4');
  assert.ok(readFileSync(media.path).length > 0);

  // Splitting clip 1 changes its frames: its old file is not offered; the next clip (now number 3) keeps its file.
  clips = (await lib.core.call('clips.split', { video, id: clips[0]!.id, frame: 25 })).clips;
  const after = await lib.core.call('clips.exported', { video });
  assert.deepEqual(
    after.map((e) => [e.clipId, e.n, path.basename(e.path)]),
    [[clips[2]!.id, 3, 'scenes-cuts-25fps-2.mp4']],
  );
  await notFound(lib.core.mediaPath({ kind: 'clip', id: clips[0]!.id }));
  // A file that is gone is not offered.
  rmSync(after[0]!.path);
  await notFound(lib.core.mediaPath({ kind: 'clip', id: after[0]!.clipId }));
  assert.deepEqual(await lib.core.call('clips.exported', { video }), []);
});
