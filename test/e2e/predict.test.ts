import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/fixtures.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/library.js';
import { deferCleanups } from '../helpers/cleanups.js';
import { startServe } from '../helpers/serve.js';
import { redManifest, redModelBytes, redSceneVideo, writeModelDir } from '../predict/helpers.js';
import { openBrowserPage } from '../helpers/browser.js';
import { slowAnswers } from '../helpers/slow-answers.js';
import { BUILTIN_MODEL_VERSION } from '../../core/predict/builtin-model.js';

const SCREENSHOTS = path.join(REPO_ROOT, 'test-output', 'screenshots');

test('video view: Predict with a model picked, then one lane per label with score curve and segments', { timeout: 300_000 }, async (t) => {
  if (!existsSync(path.join(REPO_ROOT, 'dist', 'renderer', 'index.html'))) {
    throw new Error('dist/renderer is not built: run `npm run build` (npm test does) before the e2e tests');
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  const defer = deferCleanups(t);
  const lib = tempDir('framewise-e2e-predict-');
  const models = tempDir('framewise-e2e-models-');
  defer(() => {
    lib.cleanup();
    models.cleanup();
  });
  // A library with the red-scene video (red from 12 s to 18 s) and a user model that sees red as `outside`.
  const video = await redSceneVideo();
  const imported = await runCli(['--data-dir', lib.dir, 'import', video, '--json']);
  assert.equal(imported.code, 0, imported.stderr);
  const videoId = (JSON.parse(imported.stdout) as { results: Array<{ videoId: number }> }).results[0]!.videoId;
  const added = await runCli(['--data-dir', lib.dir, 'models', 'add', writeModelDir(models.dir, redManifest(), redModelBytes())]);
  assert.equal(added.code, 0, added.stderr);

  const server = await startServe(lib.dir, ['--concurrency', '1']);
  defer(() => server.stop());
  const { page, pageErrors } = await openBrowserPage(t, { width: 1440, height: 1000 }, 90_000);
  const slow = await slowAnswers(page);

  await page.goto(server.url);
  await page.evaluate((id) => (window.location.hash = `#/video/${id}`), videoId);
  await page.getByTestId('video-view').waitFor();
  await page.getByText('No prediction yet.').waitFor();

  // The model picker lists the built-in and the user model, with the labels of the selected one.
  await page.getByTestId('action-predict').click();
  await page.getByTestId('predict-dialog').waitFor();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=predict-model] option').length === 2);
  const options = await page.locator('[data-testid=predict-model] option').allTextContents();
  assert.deepEqual(options.sort(), ['colour-outside 1.0.0', `frame-quality ${BUILTIN_MODEL_VERSION} (built-in)`]);
  await page.getByTestId('predict-model').selectOption('colour-outside');
  assert.match(await page.getByTestId('predict-dialog').innerText(), /Labels: outside, dark/);
  await page.getByTestId('predict-fps').selectOption('5');
  // The curves' scores arrive late, as on a busy machine: the lanes are drawn before them.
  slow.hold('predict.scores', 1500);
  await page.getByTestId('predict-run').click();
  await page.getByTestId('predict-dialog').waitFor({ state: 'detached' });

  // When the job is done, the review timeline shows the lanes by themselves (the core's data.changed event).
  const head = (label: string) => page.locator(`[data-testid=lane-head][data-label=${label}]`);
  await head('outside').waitFor();
  await head('dark').waitFor();
  assert.equal(await head('outside').locator('.tl-lane-count').textContent(), '0/1');
  assert.equal(await head('dark').locator('.tl-lane-count').textContent(), '0/2');
  // The score curves come from the run's stored scores: one point per sample (150 at 5/s over 30 s). They load
  // after the lanes' first draw (reviewStore.ts), so wait for them to arrive before counting.
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=timeline]')?.getAttribute('data-score-samples') ?? 0) > 0);
  assert.equal(await page.getByTestId('timeline').getAttribute('data-score-samples'), '150');

  // Hovering a segment shows its times, frames and score.
  await page.getByTestId('timeline').evaluate((el) => el.scrollIntoView({ block: 'end' }));
  await page.waitForFunction(() => !!(window as unknown as { __fwTimeline?: unknown }).__fwTimeline);
  const outsideSeg = await page.evaluate(() => {
    const tl = (window as unknown as { __fwTimeline: { frameToClientX(f: number): number; laneCenterY(l: string): number } }).__fwTimeline;
    // The outside segment lies around 11–18 s (frames ≈ 288–438 at 25 fps): hover its middle.
    return { x: tl.frameToClientX(360), y: tl.laneCenterY('outside') };
  });
  await page.mouse.move(outsideSeg.x, outsideSeg.y);
  const tip = page.getByTestId('tl-tip');
  await tip.waitFor();
  assert.match(
    (await tip.innerText()).trim(),
    /^outside · 0:00:1[12]\.\d{3} – 0:00:1[78]\.\d{3} \(frames \d+–\d+\) · mean 0\.\d\d, max 1\.00$/,
  );
  await page.screenshot({ path: path.join(SCREENSHOTS, 'prediction-lanes.png'), fullPage: true });

  // Clicking the timeline's ruler seeks the player there.
  const box = (await page.getByTestId('timeline-canvas').boundingBox())!;
  await page.mouse.click(box.x + box.width * 0.75, box.y + 10);
  await page.waitForFunction(() => {
    const n = Number(document.querySelector('[data-testid=frame-number]')?.textContent ?? NaN);
    return n >= 540 && n <= 585; // 75 % of 30 s at 25 fps ≈ frame 562
  });
  assert.deepEqual(pageErrors, []);
});
