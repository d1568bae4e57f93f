import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { importAndWait, openTempCore, tempDir } from '../helpers/library.js';
import { delayedCuts, sceneMedia } from '../helpers/scenes.js';
import type { Core as CoreHandle } from '../../core/core.js';
import { computeClipFingerprints } from '../../core/similar/clip-fingerprints.js';
import { resolveExample } from '../../core/similar/example.js';
import { writeEmbeddingModel } from './embedding-model.js';

async function importWithClips(core: CoreHandle, file: string): Promise<number> {
  const [job] = await importAndWait(core, [file]);
  assert.equal(job!.state, 'succeeded', JSON.stringify(job!.error));
  const video = (job!.output as { videoId: number }).videoId;
  const first = await core.call('scenes.detect', { video, detector: 'content' });
  if (first.jobId) assert.equal((await core.services.jobs.waitFor(first.jobId, 120_000)).state, 'succeeded');
  await core.call('clips.fromScenes', { video });
  return video;
}

// Frame numbers count from the first picture, ffmpeg's -ss from the file's start: in a file whose picture starts
// 0.42 s in (10 frames), a frame read at its plain time was 10 frames early (the previous scene's, near a cut).
test('similar: clip fingerprints, clip embeddings and a frame example read the same pictures when the picture starts 0.42 s into the file', async () => {
  const lib = await openTempCore();
  const models = tempDir('framewise-delayed-models-');
  try {
    const plain = await importWithClips(lib.core, await sceneMedia.cuts());
    const delayed = await importWithClips(lib.core, await delayedCuts());
    const a = await computeClipFingerprints(lib.core.services, plain);
    const b = await computeClipFingerprints(lib.core.services, delayed);
    assert.equal(b.length, a.length);
    assert.deepEqual(
      b.map((r) => [r.frame, r.hash_hi, r.hash_lo]),
      a.map((r) => [r.frame, r.hash_hi, r.hash_lo]),
    );
    // Frame 52: two frames after the cut at 50 (frame 42 of the first scene when sought without the start).
    const x = await resolveExample(lib.core.services, { videoId: plain, frame: 52 }, null);
    const y = await resolveExample(lib.core.services, { videoId: delayed, frame: 52 }, null);
    assert.deepEqual(Array.from(y.vector!), Array.from(x.vector!));
    // Clip 2 (frames 50–90): its keyframes, not frames of the first scene.
    await lib.core.call('models.add', { manifestPath: writeEmbeddingModel(path.join(models.dir, 'l2'), { name: 'colour' }) });
    const e = await lib.core.call('similar.embedding', { video: plain, clip: 2, model: 'colour' });
    const f = await lib.core.call('similar.embedding', { video: delayed, clip: 2, model: 'colour' });
    assert.deepEqual(f.vector, e.vector);
  } finally {
    await lib.close();
    models.cleanup();
  }
});
