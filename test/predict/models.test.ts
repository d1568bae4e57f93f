import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openTempCore, tempDir } from '../helpers/library.js';
import { redManifest, redModelBytes, writeModelDir } from './helpers.js';
import { buildBuiltinModel, builtinManifest } from '../../core/predict/builtin-model.js';
import { FramewiseError } from '../../core/util/errors.js';

async function refused(p: Promise<unknown>, code: string, pattern: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof FramewiseError, `expected a FramewiseError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    assert.match(err.message, pattern);
    return true;
  });
}

test('models: the built-in model is listed and default; a user model is added, made default and removed', async () => {
  const lib = await openTempCore({ runJobs: false });
  const dir = tempDir();
  try {
    const listed = await lib.core.call('models.list', {});
    assert.equal(listed.length, 1);
    const builtin = listed[0]!;
    assert.equal(builtin.name, 'frame-quality');
    assert.equal(builtin.builtin, true);
    assert.equal(builtin.isDefault, true);
    assert.deepEqual(builtin.labels, ['black', 'dark', 'overexposed', 'blurry']);
    assert.ok(existsSync(path.join(lib.dataDir, 'models', `${builtin.sha256}.onnx`)));

    const manifestPath = writeModelDir(
      path.join(dir.dir, 'm'),
      redManifest({ thresholds: { default: 0.5, outside: 0.6 }, extraKey: { kept: true } }),
      redModelBytes(),
    );
    const added = await lib.core.call('models.add', { manifestPath });
    assert.equal(added.name, 'colour-outside');
    assert.equal(added.version, '1.0.0');
    assert.deepEqual(added.labels, ['outside', 'dark']);
    assert.equal(added.thresholds.outside, 0.6);
    assert.equal(added.smoothing.mergeGapSeconds, 0.5);
    assert.equal(added.smoothing.hysteresis, 0.1);
    assert.match(added.sha256, /^[0-9a-f]{64}$/);
    // The file is copied into the library: the source folder can go away.
    const stored = path.join(lib.dataDir, 'models', `${added.sha256}.onnx`);
    assert.ok(existsSync(stored));
    // Adding the same name again replaces the model (new version, new file; the old file goes).
    const v2 = writeModelDir(
      path.join(dir.dir, 'm2'),
      redManifest({ version: '1.1.0', input: { ...(redManifest().input as object), width: 64, height: 64 } }),
      redModelBytes(64),
    );
    const replaced = await lib.core.call('models.add', { manifestPath: v2 });
    assert.equal(replaced.version, '1.1.0');
    assert.equal(replaced.input.width, 64);
    assert.notEqual(replaced.sha256, added.sha256);
    assert.ok(!existsSync(stored));
    const storedV2 = path.join(lib.dataDir, 'models', `${replaced.sha256}.onnx`);
    assert.ok(existsSync(storedV2));
    dir.cleanup();

    const def = await lib.core.call('models.setDefault', { name: 'colour-outside' });
    assert.equal(def.isDefault, true);
    const after = await lib.core.call('models.list', {});
    assert.deepEqual(
      after.map((m) => [m.name, m.isDefault]),
      [
        ['frame-quality', false],
        ['colour-outside', true],
      ],
    );

    await refused(lib.core.call('models.remove', { name: 'frame-quality' }), 'usage', /built-in model and cannot be removed/);
    assert.deepEqual(await lib.core.call('models.remove', { name: 'colour-outside' }), { removed: 'colour-outside' });
    assert.ok(!existsSync(storedV2));
    const final = await lib.core.call('models.list', {});
    assert.deepEqual(
      final.map((m) => [m.name, m.isDefault]),
      [['frame-quality', true]],
    );
    await refused(lib.core.call('models.remove', { name: 'colour-outside' }), 'not_found', /No model named "colour-outside"/);
  } finally {
    dir.cleanup();
    await lib.close();
  }
});

test('models: malformed manifests and models are refused with a message saying what is wrong', async () => {
  const lib = await openTempCore({ runJobs: false });
  const dir = tempDir();
  const add = (name: string, manifest: Record<string, unknown> | string, bytes: Uint8Array | string = redModelBytes()) => {
    const folder = path.join(dir.dir, name);
    let manifestPath: string;
    if (typeof manifest === 'string') {
      manifestPath = writeModelDir(folder, redManifest(), bytes);
      writeFileSync(manifestPath, manifest);
    } else manifestPath = writeModelDir(folder, manifest, bytes);
    return lib.core.call('models.add', { manifestPath });
  };
  try {
    await refused(add('json', '{"name": "x",'), 'invalid_model', /manifest is not valid JSON/);
    const noLabels = redManifest();
    delete noLabels.labels;
    await refused(add('nolabels', noLabels), 'invalid_model', /labels: /);
    await refused(add('task', redManifest({ task: 'regression' })), 'invalid_model', /task: .*multilabel/);
    await refused(
      add('layout', redManifest({ input: { ...(redManifest().input as object), layout: 'CHW' } })),
      'invalid_model',
      /input\.layout/,
    );
    await refused(
      add('thr', redManifest({ thresholds: { default: 0.5, blood: 0.7 } })),
      'invalid_model',
      /thresholds\.blood: "blood" is not one of the labels/,
    );
    await refused(add('dup', redManifest({ labels: ['outside', 'outside'] })), 'invalid_model', /labels must be unique/);
    await refused(
      add('inname', redManifest({ input: { ...(redManifest().input as object), name: 'image' } })),
      'invalid_model',
      /no input named "image" \(its inputs: pixels\)/,
    );
    await refused(
      add('outname', redManifest({ output: { name: 'logits', activation: 'sigmoid' } })),
      'invalid_model',
      /no output named "logits" \(its outputs: scores\)/,
    );
    await refused(
      add('width', redManifest({ input: { ...(redManifest().input as object), width: 64 } })),
      'invalid_model',
      /width is 32, not 64/,
    );
    await refused(
      add('nhwc', redManifest({ input: { ...(redManifest().input as object), layout: 'NHWC' } })),
      'invalid_model',
      /layout NHWC/,
    );
    await refused(
      add('labels', redManifest({ labels: ['outside', 'dark', 'blood'] })),
      'invalid_model',
      /2 columns but the manifest lists 3 labels/,
    );
    await refused(
      add('cols', redManifest(), redModelBytes(32, { outputColumns: 3 })),
      'invalid_model',
      /3 columns but the manifest lists 2 labels/,
    );
    await refused(add('garbage', redManifest(), 'this is not an onnx file'), 'invalid_model', /cannot load this file as an ONNX model/);
    const missing = path.join(dir.dir, 'missing');
    writeModelDir(missing, redManifest(), redModelBytes());
    rmSync(path.join(missing, 'outside.onnx'));
    await refused(
      lib.core.call('models.add', { manifestPath: path.join(missing, 'manifest.json') }),
      'invalid_model',
      /model file "outside\.onnx" does not exist/,
    );
    await refused(add('builtin', redManifest({ name: 'frame-quality' })), 'conflict', /name of the built-in model/);
    // A uint8 model gets the bytes as decoded: a normalisation in its manifest would be ignored, so it is refused.
    const bytesModel = { ...builtinManifest(), name: 'bytes-model', file: 'outside.onnx' } as Record<string, unknown>;
    await refused(
      add('uint8', { ...bytesModel, input: { ...builtinManifest().input, scale: 255 } }, buildBuiltinModel()),
      'invalid_model',
      /input "pixels" is uint8.*set input\.scale to 1/,
    );
    // Nothing was registered by any of these.
    assert.deepEqual(
      (await lib.core.call('models.list', {})).map((m) => m.name),
      ['frame-quality'],
    );
  } finally {
    dir.cleanup();
    await lib.close();
  }
});
