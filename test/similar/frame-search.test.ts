import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { importAndWait, openTempCore, tempDir } from '../helpers/library.js';
import { generated } from '../helpers/media.js';
import { colourScenes } from '../helpers/similar.js';
import { liveInferenceWorkers } from '../../core/predict/inference-pool.js';
import { writeEmbeddingModel } from './embedding-model.js';

const norm = (v: number[]) => Math.sqrt(v.reduce((a, x) => a + x * x, 0));

/** A solid green picture file (PNG), for searching by image. */
const greenPicture = () => generated('similar-green.png', (out) => ['-f', 'lavfi', '-i', 'color=c=green:s=40x30', '-frames:v', '1', out]);

test('float16 embedding model through the model store; search by a single frame (video + time or frame) and by an image file', async () => {
  const models = tempDir('framewise-embed-f16-');
  const lib = await openTempCore();
  try {
    const [job] = await importAndWait(lib.core, [await colourScenes()]);
    assert.equal(job!.state, 'succeeded');
    const video = (job!.output as { videoId: number }).videoId;
    const det = await lib.core.call('scenes.detect', { video, detector: 'content', threshold: 10, minSceneLen: '0.5s' });
    if (det.jobId) assert.equal((await lib.core.services.jobs.waitFor(det.jobId, 120_000)).state, 'succeeded');
    assert.equal((await lib.core.call('clips.fromScenes', { video })).clips.length, 4, 'red | blue | dark red | green');

    // A model built here entirely in half precision (input, weights, output float16).
    const f16 = writeEmbeddingModel(path.join(models.dir, 'f16'), { name: 'colour-f16', float16: true });
    const info = await lib.core.call('models.add', { manifestPath: f16 });
    assert.equal(info.task, 'embedding');
    const red = await lib.core.call('similar.embedding', { video, clip: 1, model: 'colour-f16' });
    assert.equal(red.computed, 4);
    assert.ok(Math.abs(norm(red.vector) - 1) < 1e-3, `l2 normalised: ${red.vector}`);
    assert.ok(Math.abs(red.vector[0]! - Math.SQRT1_2) < 0.03 && Math.abs(red.vector[3]! - Math.SQRT1_2) < 0.03, `red: ${red.vector}`);
    assert.ok(Math.abs(red.vector[1]!) < 0.03 && Math.abs(red.vector[2]!) < 0.03, `red: ${red.vector}`);
    // The same model in float32 gives the same vector (within half precision).
    const f32 = writeEmbeddingModel(path.join(models.dir, 'f32'), { name: 'colour-f32' });
    await lib.core.call('models.add', { manifestPath: f32 });
    const red32 = await lib.core.call('similar.embedding', { video, clip: 1, model: 'colour-f32' });
    red32.vector.forEach((x, i) => assert.ok(Math.abs(x - red.vector[i]!) < 0.01, `float16 ${red.vector} vs float32 ${red32.vector}`));

    // A single frame: the picture at 3 s (blue), not a clip: blue's clip first, nothing else close.
    const byTime = await lib.core.call('similar.search', { video, time: 3, model: 'colour-f16', top: 4 });
    assert.equal(byTime.clipId, null);
    assert.equal(byTime.n, null);
    assert.equal(byTime.time, 3);
    assert.equal(byTime.results[0]!.n, 2, JSON.stringify(byTime.results));
    assert.ok(byTime.results[0]!.similarity > 0.99, JSON.stringify(byTime.results));
    assert.ok(
      byTime.results.slice(1).every((r) => r.similarity < 0.6),
      JSON.stringify(byTime.results),
    );
    // By frame number (25 fps: frame 160 = 6.4 s, green); "other videos" leaves nothing in a one-video library.
    const byFrame = await lib.core.call('similar.search', { video, frame: 160, model: 'colour-f16', top: 1 });
    assert.equal(byFrame.results[0]!.n, 4);
    assert.ok(Math.abs(byFrame.time! - 6.4) < 1e-9);
    assert.deepEqual((await lib.core.call('similar.search', { video, frame: 160, model: 'colour-f16', scope: 'other' })).results, []);
    await assert.rejects(lib.core.call('similar.search', { video, time: 99, model: 'colour-f16' }), /no frame at 99\.000 s/);
    await assert.rejects(lib.core.call('similar.search', { video, clip: 1, time: 3 }), /at most one of clip, frame and time/);

    // An image file: green → the green clip.
    const byImage = await lib.core.call('similar.search', { image: await greenPicture(), model: 'colour-f16', top: 2 });
    assert.equal(byImage.videoId, null);
    assert.equal(byImage.results[0]!.n, 4, JSON.stringify(byImage.results));
    assert.ok(byImage.results[0]!.similarity > 0.99, JSON.stringify(byImage.results));
    await assert.rejects(
      lib.core.call('similar.search', { image: path.join(models.dir, 'missing.png'), model: 'colour-f16' }),
      /the image does not exist/,
    );
    await assert.rejects(lib.core.call('similar.search', { image: f16, model: 'colour-f16' }), /not a picture Framewise can read/);
    await assert.rejects(
      lib.core.call('similar.search', { image: await greenPicture(), scope: 'same' }),
      /an image has no video of its own/,
    );
    // By fingerprint too: the frame at 1 s is the red clip's picture (a solid colour hashes alike everywhere, so
    // only the best similarity is checked).
    const fp = await lib.core.call('similar.search', { video, time: 1, top: 1 });
    assert.equal(fp.by, 'fingerprint');
    assert.ok(fp.results[0]!.similarity > 0.9, JSON.stringify(fp.results));
    assert.equal(liveInferenceWorkers(), 0, 'every inference worker was closed');
  } finally {
    await lib.close();
    models.cleanup();
  }
});
