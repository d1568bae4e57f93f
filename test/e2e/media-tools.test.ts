import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/fixtures.js';
import { importAndWait, tempDir } from '../helpers/library.js';
import { deferCleanups } from '../helpers/cleanups.js';
import { withLibraryCore } from '../helpers/library-core.js';
import { startServe } from '../helpers/serve.js';
import { launchChromium } from '../helpers/browser.js';
import type { Browser } from 'playwright-core';
import { VFR_SOURCE_FRAMES, readFrameCodes, toneGapTone, vfrToneGap } from '../audio/speech-media.js';

const SCREENSHOTS = path.join(REPO_ROOT, 'test-output', 'screenshots');

// One Chromium for the file (each test opens its own page, in its own context): a launch costs CPU-seconds.
let chromium: Promise<Browser> | null = null;
const sharedBrowser = () => (chromium ??= launchChromium());
after(async () => {
  if (chromium) await (await chromium).close();
});

/** Import into the library before `framewise serve` opens it, in this process (no CLI start-up); the video ids. */
const importFirst = (dataDir: string, files: string[]) =>
  withLibraryCore(dataDir, async (core) => {
    const ids: number[] = [];
    for (const f of files) {
      const [job] = await importAndWait(core, [f]);
      assert.equal(job!.state, 'succeeded', JSON.stringify(job!.error));
      ids.push((job!.output as { videoId: number }).videoId);
    }
    return ids;
  });

test(
  'video view: Silence… detects and cuts, Save frame… writes the frame on screen and one every N seconds, Convert… converts, with progress',
  { timeout: 300_000 },
  async (t) => {
    if (!existsSync(path.join(REPO_ROOT, 'dist', 'renderer', 'index.html'))) {
      throw new Error('dist/renderer is not built: run `npm run build` (npm test does) before the e2e tests');
    }
    mkdirSync(SCREENSHOTS, { recursive: true });
    const defer = deferCleanups(t);
    const lib = tempDir('framewise-e2e-media-');
    const work = tempDir('framewise-e2e-media-out-');
    defer(() => {
      lib.cleanup();
      work.cleanup();
    });
    // The clip lives in its own folder, so outputs written beside it are easy to list.
    const video = path.join(work.dir, 'clip.mp4');
    copyFileSync(await toneGapTone(), video);
    // A variable-frame-rate clip whose pictures spell their source frame number (16.7 fps before 6 s, then 25).
    mkdirSync(path.join(work.dir, 'vfr'));
    const vfrVideo = path.join(work.dir, 'vfr', 'vfr.mp4');
    copyFileSync(await vfrToneGap(), vfrVideo);
    const [videoId, vfrId] = await importFirst(lib.dir, [video, vfrVideo]);

    const server = await startServe(lib.dir, ['--concurrency', '1']);
    defer(() => server.stop());
    const page = await (await sharedBrowser()).newPage({ viewport: { width: 1440, height: 1000 } });
    defer(() => page.context().close());
    page.setDefaultTimeout(90_000);
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(server.url);
    await page.evaluate((id) => (window.location.hash = `#/video/${id}`), videoId);
    await page.getByTestId('video-view').waitFor();

    // Silence…: detect with the defaults, the result is a segment in the "silence" lane, then cut.
    await page.getByTestId('action-silence').click();
    const silence = page.getByTestId('silence-dialog');
    await silence.waitFor();
    await page.getByTestId('silence-detect').click();
    await silence.locator('[data-testid=media-job][data-state=succeeded]').waitFor();
    assert.match(await silence.innerText(), /Keeps 8\.\d\d s of 12\.\d\d s in 2 parts/);
    await page.locator('[data-testid=lane-head][data-label=silence]').waitFor();
    await page.getByTestId('silence-apply').click();
    await silence.locator('[data-testid=media-job][data-state=succeeded]').nth(1).waitFor();
    assert.ok(existsSync(path.join(work.dir, 'clip-edited.mp4')));
    await page.screenshot({ path: path.join(SCREENSHOTS, 'media-silence.png') });
    await page.getByTestId('action-silence').click();

    // Save frame…: the frame on screen, exactly (go to frame 37 first).
    await page.getByTestId('goto-frame').fill('37');
    await page.getByTestId('goto-frame').press('Enter');
    await page.waitForFunction(() => document.querySelector('[data-testid=frame-number]')?.textContent?.trim() === '37');
    await page.getByTestId('action-save-frame').click();
    await page.getByTestId('frames-dialog').waitFor();
    assert.match(await page.getByTestId('frames-mode').locator('option').first().innerText(), /frame 37, 1\.480 s/);
    await page.getByTestId('frames-start').click();
    await page.getByTestId('frames-dialog').locator('[data-testid=media-job][data-state=succeeded]').waitFor();
    assert.ok(readdirSync(work.dir).includes('frame-000037-t1.480s.png'), readdirSync(work.dir).join(', '));
    await page.getByTestId('action-save-frame').click();

    // Convert…: audio-wav beside the original, with progress, then done.
    await page.getByTestId('action-convert').click();
    const convert = page.getByTestId('convert-dialog');
    await convert.waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=convert-preset] option').length >= 11);
    await page.getByTestId('convert-preset').selectOption('audio-wav');
    assert.match(await page.getByTestId('convert-output').inputValue(), /clip-audio-wav\.wav$/);
    await page.getByTestId('convert-start').click();
    await convert.locator('[data-testid=media-job][data-state=succeeded]').waitFor();
    assert.ok(existsSync(path.join(work.dir, 'clip-audio-wav.wav')));

    // A missing output folder is refused with a clear message, before anything starts.
    await page.getByTestId('convert-output').fill(path.join(work.dir, 'missing', 'x.mp4'));
    await page.getByTestId('convert-preset').selectOption('mp4-h264');
    await page.getByTestId('convert-start').click();
    assert.match(await page.getByTestId('convert-error').innerText(), /output folder .*missing does not exist/);

    // A slow conversion (VP9) shows its progress bar and is cancelled from the dialog: nothing is left behind.
    await page.getByTestId('convert-output').fill(path.join(work.dir, 'slow.webm'));
    await page.getByTestId('convert-preset').selectOption('webm-vp9');
    await page.getByTestId('convert-start').click();
    await convert.locator('[data-testid=media-job][data-state=running] [role=progressbar]').waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'media-convert.png') });
    await page.getByTestId('media-cancel').click();
    await convert.locator('[data-testid=media-job][data-state=cancelled]').waitFor();
    assert.deepEqual(
      readdirSync(work.dir).filter((f) => f.includes('slow') || f.includes('.partial')),
      [],
    );

    // Save frame… on a variable-frame-rate video saves the frame on screen: player frame 100 (of the average
    // rate, 125/6 fps) shows at 4.824 s, where source frame 120 (4.8 s) is the 81st decoded frame.
    await page.evaluate((id) => (window.location.hash = `#/video/${id}`), vfrId);
    await page.locator('[data-testid=video-view]', { hasText: 'vfr.mp4' }).waitFor();
    await page.getByTestId('goto-frame').fill('100');
    await page.getByTestId('goto-frame').press('Enter');
    await page.waitForFunction(() => document.querySelector('[data-testid=frame-number]')?.textContent?.trim() === '100');
    await page.getByTestId('action-save-frame').click();
    await page.getByTestId('frames-start').click();
    await page.getByTestId('frames-dialog').locator('[data-testid=media-job][data-state=succeeded]').waitFor();
    const saved = readdirSync(path.join(work.dir, 'vfr')).filter((f) => f.startsWith('frame-'));
    assert.deepEqual(saved, ['frame-000080-t4.800s.png']);
    assert.deepEqual(await readFrameCodes(path.join(work.dir, 'vfr', saved[0]!)), [120]);

    // The same dialog in interval mode: one frame every 2.5 s into another folder, each the frame shown at that
    // time (presentation times on this VFR clip), named by its decoded frame number (from 0) and its own time.
    const everyDir = path.join(work.dir, 'vfr', 'every');
    mkdirSync(everyDir);
    await page.getByTestId('frames-mode').selectOption('every');
    await page.getByTestId('frames-every').fill('2.5');
    await page.getByTestId('frames-folder').fill(everyDir);
    await page.getByTestId('frames-start').click();
    await page.getByTestId('frames-dialog').locator('[data-testid=media-job][data-state=succeeded]', { hasText: '5 images' }).waitFor();
    const shown = [0, 2.5, 5, 7.5, 10].map((s) => VFR_SOURCE_FRAMES.filter((n) => n / 25 <= s + 1e-9).pop()!);
    const everySaved = readdirSync(everyDir).sort();
    assert.deepEqual(
      everySaved,
      shown.map((n) => `frame-${String(VFR_SOURCE_FRAMES.indexOf(n)).padStart(6, '0')}-t${(n / 25).toFixed(3)}s.png`),
    );
    const codes = [];
    for (const f of everySaved) codes.push(...(await readFrameCodes(path.join(everyDir, f))));
    assert.deepEqual(codes, shown);
    assert.deepEqual(pageErrors, []);
  },
);

test(
  'library: Batch… runs a job on every video shown, with one progress view and one summary naming failures',
  { timeout: 300_000 },
  async (t) => {
    const defer = deferCleanups(t);
    const lib = tempDir('framewise-e2e-batch-');
    const work = tempDir('framewise-e2e-batch-out-');
    defer(() => {
      lib.cleanup();
      work.cleanup();
    });
    const { generated, lavfi } = await import('../helpers/media.js');
    const silent = await generated('video-only-2s.mp4', (out) => [
      ...lavfi.video({ duration: 2 }),
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      out,
    ]);
    await importFirst(lib.dir, [await toneGapTone(), silent]);
    const server = await startServe(lib.dir, ['--concurrency', '2']);
    defer(() => server.stop());
    const page = await (await sharedBrowser()).newPage({ viewport: { width: 1440, height: 1000 } });
    defer(() => page.context().close());
    page.setDefaultTimeout(90_000);
    await page.goto(server.url);
    // The button is there before the library list has loaded ("0 shown", disabled): wait for the list.
    await page.locator('[data-testid=action-batch]', { hasText: /2 shown/ }).waitFor();
    assert.match(await page.getByTestId('action-batch').innerText(), /2 shown/);

    await page.getByTestId('action-batch').click();
    await page.getByTestId('batch-dialog').waitFor();
    await page.getByTestId('batch-op').selectOption('silence');
    await page.getByTestId('batch-start').click();
    await page.locator('[data-testid=batch-status][data-running="0"]').waitFor();
    assert.equal(await page.getByTestId('batch-summary').innerText(), '1 done, 1 failed, 0 still running');
    assert.match(await page.getByTestId('batch-failures').innerText(), /video-only-2s\.mp4.*no audio stream/);

    await page.getByTestId('batch-op').selectOption('convert');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=batch-preset] option').length >= 11);
    await page.getByTestId('batch-preset').selectOption('mp4-h264');
    await page.getByTestId('batch-folder').fill(work.dir);
    await page.getByTestId('batch-start').click();
    // Wait for this batch's own summary (the silence batch's status is replaced when the new one starts).
    await page
      .getByTestId('batch-summary')
      .filter({ hasText: /^2 done/ })
      .waitFor();
    assert.equal(await page.getByTestId('batch-summary').innerText(), '2 done, 0 failed, 0 still running');
    assert.deepEqual(readdirSync(work.dir).sort(), ['tone-gap-tone-12s.mp4', 'video-only-2s.mp4']);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'media-batch.png') });
  },
);
