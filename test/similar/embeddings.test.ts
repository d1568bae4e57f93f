import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { importAndWait, openTempCore, tempDir } from '../helpers/library.js';
import { colourScenes } from '../helpers/similar.js';
import { liveInferenceWorkers } from '../../core/predict/inference-pool.js';
import { writeEmbeddingModel } from './embedding-model.js';

const norm = (v: number[]) => Math.sqrt(v.reduce((a, x) => a + x * x, 0));

test('embeddings: a test-built model, manifest normalisation and pooling, recomputed only when the model changes, nearest clips', async () => {
  const models = tempDir('framewise-embed-models-');
  const lib = await openTempCore();
  try {
    const [job] = await importAndWait(lib.core, [await colourScenes()]);
    assert.equal(job!.state, 'succeeded');
    const video = (job!.output as { videoId: number }).videoId;
    const det = await lib.core.call('scenes.detect', { video, detector: 'content', threshold: 10, minSceneLen: '0.5s' });
    if (det.jobId) assert.equal((await lib.core.services.jobs.waitFor(det.jobId, 120_000)).state, 'succeeded');
    const clips = await lib.core.call('clips.fromScenes', { video });
    assert.equal(clips.clips.length, 4, 'red | blue | dark red | green');

    // A manifest that is not an embedding manifest is refused, naming the field.
    const l2 = writeEmbeddingModel(path.join(models.dir, 'l2'), { name: 'colour' });
    const bad = path.join(models.dir, 'bad.json');
    const manifest = JSON.parse(readFileSync(l2, 'utf8')) as { output: Record<string, unknown> };
    writeFileSync(bad, JSON.stringify({ ...manifest, file: 'l2/colour.onnx', output: { ...manifest.output, pooling: 'mean' } }));
    await assert.rejects(
      lib.core.call('models.add', { manifestPath: bad }),
      /invalid embedding model manifest: output.tokens: pooling "mean" needs "tokens"/,
    );
    // Embedding models go through the model store: validated, copied in, listed with the classifiers.
    const addModel = async (manifestPath: string) => {
      const info = await lib.core.call('models.add', { manifestPath });
      const listed = (await lib.core.call('similar.models', {})).find((m) => m.name === info.name)!;
      return { ...info, modelKey: listed.modelKey };
    };
    const added = await addModel(l2);
    assert.equal(added.task, 'embedding');
    assert.deepEqual(added.embedding, { length: 4, pooling: 'none', tokens: null, normalisation: 'l2' });
    assert.equal(added.isDefault, false, 'an embedding model never becomes the default (prediction) model');
    const listed = await lib.core.call('models.list', {});
    assert.ok(listed.some((m) => m.name === 'colour' && m.task === 'embedding'));
    await assert.rejects(lib.core.call('predict.run', { video, model: 'colour' }), /is an embedding model/);
    await assert.rejects(lib.core.call('models.setDefault', { name: 'colour' }), /is an embedding model/);
    // The store refuses a file whose output does not match the manifest's embedding length.
    const wrongLength = path.join(models.dir, 'wrong.json');
    writeFileSync(
      wrongLength,
      JSON.stringify({ ...manifest, name: 'wrong', file: 'l2/colour.onnx', output: { ...manifest.output, length: 5 } }),
    );
    await assert.rejects(
      lib.core.call('models.add', { manifestPath: wrongLength }),
      /output "embedding" has shape \[N, 4\]; the manifest says \[N, 5\]/,
    );

    // Same input → same vector: asking again computes nothing and returns the stored vector.
    const first = await lib.core.call('similar.embedding', { video, clip: 1, model: 'colour' });
    assert.equal(first.computed, 4);
    assert.equal(first.vector.length, 4);
    assert.ok(Math.abs(norm(first.vector) - 1) < 1e-5, `l2 normalised: ${first.vector}`);
    // Red: (R, G, B, R+G+B) ∝ (1, 0, 0, 1).
    assert.ok(Math.abs(first.vector[0]! - Math.SQRT1_2) < 0.03 && Math.abs(first.vector[3]! - Math.SQRT1_2) < 0.03, `${first.vector}`);
    const again = await lib.core.call('similar.embedding', { video, clip: 1, model: 'colour' });
    assert.equal(again.computed, 0, 'unchanged model: nothing recomputed');
    assert.deepEqual(again.vector, first.vector);
    // Re-adding the identical model keeps its key; a new version recomputes and gives the same vector again.
    assert.equal((await addModel(l2)).modelKey, added.modelKey);
    writeEmbeddingModel(path.join(models.dir, 'l2'), { name: 'colour', version: '2' });
    const v2 = await addModel(l2);
    assert.notEqual(v2.modelKey, added.modelKey);
    const recomputed = await lib.core.call('similar.embedding', { video, clip: 1, model: 'colour' });
    assert.equal(recomputed.computed, 4);
    assert.deepEqual(recomputed.vector, first.vector, 'same model weights, same input → same vector');
    // Changed weights: recomputed, and the vector follows them.
    writeEmbeddingModel(path.join(models.dir, 'l2'), { name: 'colour', version: '3', weights: [0, 0, 0, 1, 0, 1, 0, 1, 0, 0, 1, 1] });
    await addModel(l2);
    const changed = await lib.core.call('similar.embedding', { video, clip: 1, model: 'colour' });
    assert.equal(changed.computed, 4);
    assert.ok(Math.abs(changed.vector[0]!) < 0.03 && Math.abs(changed.vector[3]! - 1) < 0.03, `${changed.vector}`);

    // normalisation "none": the raw vector; pooling "mean" over two tokens gives the same back.
    const raw = writeEmbeddingModel(path.join(models.dir, 'raw'), { name: 'colour-raw', normalisation: 'none' });
    await addModel(raw);
    const rawRed = (await lib.core.call('similar.embedding', { video, clip: 1, model: 'colour-raw' })).vector;
    assert.ok(Math.abs(norm(rawRed) - Math.SQRT2) < 0.05, `not normalised: ${rawRed}`);
    const pooled = writeEmbeddingModel(path.join(models.dir, 'tokens'), { name: 'colour-tokens', normalisation: 'none', tokens: true });
    await addModel(pooled);
    const pooledRed = (await lib.core.call('similar.embedding', { video, clip: 1, model: 'colour-tokens' })).vector;
    pooledRed.forEach((x, i) => assert.ok(Math.abs(x - rawRed[i]!) < 1e-5, `mean over tokens: ${pooledRed} vs ${rawRed}`));

    // Nearest neighbours by cosine: red's nearest is dark red (same direction), then blue and green (0.5).
    const red = await lib.core.call('similar.search', { video, clip: 1, model: 'colour-raw', top: 3 });
    assert.equal(red.by, 'model:colour-raw');
    assert.deepEqual(
      red.results.map((r) => r.n),
      [3, ...red.results.slice(1).map((r) => r.n)],
    );
    assert.ok(red.results[0]!.similarity > 0.99, JSON.stringify(red.results));
    assert.ok(
      red.results.slice(1).every((r) => Math.abs(r.similarity - 0.5) < 0.05),
      JSON.stringify(red.results),
    );
    const blue = await lib.core.call('similar.search', { video, clip: 2, model: 'colour-raw', top: 1 });
    assert.ok(blue.results[0]!.similarity < 0.6, 'nothing else is blue');
    const strict = await lib.core.call('similar.search', { video, clip: 1, model: 'colour-raw', threshold: 0.9 });
    assert.deepEqual(
      strict.results.map((r) => r.n),
      [3],
    );
    // Label filter: only clips overlapping a segment with that label (dark red: frames 100–150).
    await lib.core.call('segments.add', { video, label: 'blood', startFrame: 110, endFrame: 120 });
    const labelled = await lib.core.call('similar.search', { video, clip: 1, model: 'colour-raw', label: 'blood' });
    assert.deepEqual(
      labelled.results.map((r) => r.n),
      [3],
    );
    assert.deepEqual((await lib.core.call('similar.search', { video, clip: 1, label: 'nbi' })).results, []);
    assert.equal(liveInferenceWorkers(), 0, 'the inference worker is closed after embedding');
    await assert.rejects(lib.core.call('similar.search', { video, clip: 1, model: 'nope' }), /No embedding model named "nope"/);
    await assert.rejects(lib.core.call('similar.search', { video, clip: 1, model: 'frame-quality' }), /not an embedding model/);
    // The clip embeddings ran as jobs, visible in the jobs list.
    const jobs = await lib.core.call('jobs.list', { kind: 'clip-embeddings' });
    assert.ok(
      jobs.length >= 4 && jobs.every((j) => j.state === 'succeeded' && j.videoId === video),
      JSON.stringify(jobs.map((j) => j.state)),
    );
  } finally {
    await lib.close();
    models.cleanup();
  }
});
