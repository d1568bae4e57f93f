import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/library.js';
import { redManifest, redModelBytes, redSceneVideo, writeModelDir } from '../predict/helpers.js';
import { endoscopyVideo } from './endoscopy-media.js';

/**
 * onnxruntime-node's own telemetry (a device id and an event cache under ~/.cache/Microsoft/…, a debug log
 * /tmp/mat-debug-<pid>.log) is off: every kind of inference Framewise runs (the OCR text detector in its worker
 * thread, Silero VAD, a prediction model in its worker pool and the model check at `models add`) runs in the real
 * CLI with a throwaway HOME and TMPDIR, and afterwards both are still empty: nothing was written outside the library.
 */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = path.join(dir, e);
    out.push(p);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
  }
  return out;
}

test('inference (OCR detector, Silero VAD, prediction model) writes nothing outside the library: no onnxruntime telemetry', async () => {
  const endo = await endoscopyVideo();
  const red = await redSceneVideo();
  const scratch = tempDir('framewise-no-telemetry-');
  const home = path.join(scratch.dir, 'home');
  const tmp = path.join(scratch.dir, 'tmp');
  const lib = path.join(scratch.dir, 'library');
  for (const d of [home, tmp]) mkdirSync(d);
  const model = writeModelDir(path.join(scratch.dir, 'model'), redManifest(), redModelBytes());
  const env: NodeJS.ProcessEnv = {
    HOME: home,
    TMPDIR: tmp,
    TMP: tmp,
    TEMP: tmp,
    XDG_CACHE_HOME: path.join(home, '.cache'),
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    // Whatever the caller's shell says, Framewise turns the runtime's telemetry off by itself.
    ORT_DISABLE_TELEMETRY: '',
    FRAMEWISE_DATA_DIR: '',
  };
  const cli = async (...args: string[]) => {
    const r = await runCli(['--data-dir', lib, ...args], { env, timeoutMs: 600_000 });
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    return r;
  };
  try {
    await cli('import', endo, red);
    await cli('ocr', '1', '--samples', '3', '--json');
    const speech = await cli('silence', '1', '--method', 'speech', '--json');
    assert.match(speech.stdout, /"speech"|"segments"|"keep"/);
    await cli('models', 'add', model, '--json');
    const pred = await cli('predict', '2', '--model', 'colour-outside', '--fps', '5', '--json');
    assert.equal((JSON.parse(pred.stdout) as { state: string }).state, 'succeeded');

    // The one documented file outside the library (README, privacy): the ffmpeg capability cache.
    const ffmpegCache = path.join(home, '.cache', 'framewise');
    assert.deepEqual(
      filesUnder(home).filter((f) => f !== path.join(home, '.cache') && f !== ffmpegCache && path.dirname(f) !== ffmpegCache),
      [],
      'nothing in HOME (no ~/.cache/Microsoft/DeveloperTools/.onnxruntime)',
    );
    assert.deepEqual(filesUnder(tmp), [], 'nothing in TMPDIR (no mat-debug-*.log)');
  } finally {
    scratch.cleanup();
  }
});
