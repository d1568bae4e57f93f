import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/library.js';

/**
 * The text detector's thread closed while it detects — what cancelling an OCR or a verification does. It was
 * terminated at once, inside onnxruntime-node's native run: the binding then throws a Napi::Error it can no longer
 * hand to JavaScript, and the whole process aborts ("terminate called after throwing an instance of
 * 'Napi::Error'"; seen twice under heavy load, reproduced by this test in 3 of 3 runs before the fix, at the third
 * close or sooner). Now the thread finishes the call it is in, releases its sessions and exits.
 *
 * In a child process, so that an abort is this test's failure with its message, not the test runner's crash.
 * Each round closes a fresh detector at a quarter, half and three quarters of a detection's time after asking
 * for one (the native run is most of it), and nothing aborts. Whether such a close lands inside the run depends on
 * the machine's load (CI once saw all three answered first), so a fourth round closes right after asking: the
 * request is then always unanswered when close is called and must be rejected as cancelled, while the thread still
 * finishes the run it starts.
 */
test('closing the text detector while it detects never aborts the process', { timeout: 180_000 }, async (t) => {
  const module = pathToFileURL(path.join(REPO_ROOT, 'dist', 'core', 'ocr', 'detector-thread.js')).href;
  const script = `
    import { DetectorThread } from ${JSON.stringify(module)};
    const w = 960, h = 540;
    const data = new Uint8Array(w * h * 3);
    for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
    const img = { width: w, height: h, data };
    for (const share of [0.25, 0.5, 0.75, 0]) {
      const d = new DetectorThread();
      await d.detect(img);
      // The shorter of two timed detections: one slowed by a busy machine must not push the close past the run.
      let ms = Infinity;
      for (let i = 0; i < 2; i++) {
        const t0 = performance.now();
        await d.detect(img);
        ms = Math.min(ms, performance.now() - t0);
      }
      const asked = d.detect(img).then(() => 'answered', (e) => e.code);
      if (share > 0) await new Promise((r) => setTimeout(r, ms * share));
      await d.close();
      console.log(share, await asked, 'closed');
    }
  `;
  const scratch = tempDir('framewise-detector-close-');
  t.after(() => scratch.cleanup());
  const file = path.join(scratch.dir, 'close-while-detecting.mjs');
  writeFileSync(file, script);
  const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
  assert.equal(signal, null, `the process was killed by ${signal}: ${stderr}`);
  assert.equal(code, 0, stderr);
  const rounds = stdout.trim().split('\n');
  assert.equal(rounds.length, 4, stdout);
  // Asked before the close: answered if the thread got to it first, else rejected as cancelled.
  for (const r of rounds.slice(0, 3)) assert.match(r, /^0\.\d+ (answered|cancelled) closed$/);
  // Closed right after asking: never answered.
  assert.equal(rounds[3], '0 cancelled closed', stdout);
});
