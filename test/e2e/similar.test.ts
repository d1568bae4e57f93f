import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/fixtures.js';
import { importAndWait, tempDir } from '../helpers/library.js';
import { deferCleanups } from '../helpers/cleanups.js';
import { withLibraryCore } from '../helpers/library-core.js';
import { startServe } from '../helpers/serve.js';
import { openBrowserPage } from '../helpers/browser.js';
import { similarMedia, VARIANTS } from '../helpers/similar.js';

test(
  'library: "possible duplicate" badge; video view: Similar panel (compare, link, find similar clips)',
  { timeout: 300_000 },
  async (t) => {
    if (!existsSync(path.join(REPO_ROOT, 'dist', 'renderer', 'index.html')))
      throw new Error('dist/renderer is not built: run `npm run build` (npm test does) before the e2e tests');
    const defer = deferCleanups(t);
    const lib = tempDir('framewise-e2e-similar-');
    defer(() => lib.cleanup());
    const trim = VARIANTS.find((v) => v.name === 'trim2s')!;
    const files = [
      await similarMedia.original(),
      await similarMedia.variant(trim.name, trim.filter, trim.extra, trim.inputExtra),
      await similarMedia.different(),
    ];
    // Set up in this process before `framewise serve` opens the library (as `framewise import` one file at a time,
    // then `framewise clips <v> --detector content` do, without a CLI start-up each).
    await withLibraryCore(lib.dir, async (core) => {
      for (const f of files) assert.equal((await importAndWait(core, [f]))[0]!.state, 'succeeded');
      for (const video of ['1', '2']) {
        const first = await core.call('scenes.detect', { video, detector: 'content' });
        if (!first.result) assert.equal((await core.services.jobs.waitFor(first.jobId!, 120_000)).state, 'succeeded');
        const detection = first.result ?? (await core.call('scenes.get', { video, detector: 'content' }));
        await core.call('clips.fromScenes', { video, detectionId: detection!.id });
      }
    });

    const server = await startServe(lib.dir, ['--concurrency', '1']);
    defer(() => server.stop());
    const { page, pageErrors } = await openBrowserPage(t, { width: 1440, height: 1000 }, 60_000);
    await page.goto(server.url);

    // Library: only the trimmed copy (video 2) carries the badge, naming the original.
    const badge = page.getByTestId('duplicate-badge');
    await badge.first().waitFor();
    assert.equal(await badge.count(), 1);
    assert.equal(await badge.getAttribute('data-other'), '1');

    // Video view of the copy: "looks like video 1 (… %)", side by side, then link them.
    await page.evaluate(() => (window.location.hash = '#/video/2'));
    const panel = page.getByTestId('similar-panel');
    await panel.waitFor();
    const flag = page.getByTestId('duplicate-of-1');
    await flag.waitFor();
    assert.match((await flag.textContent()) ?? '', /Looks like video 1 \(\d+ %\)/);
    await flag.getByTestId('duplicate-compare').click();
    await page.getByTestId('compare-thumb-1').waitFor();
    await page.getByTestId('compare-thumb-2').waitFor();
    await flag.getByTestId('duplicate-link').click();
    await page.getByTestId('duplicate-decided').filter({ hasText: 'Linked' }).waitFor();
    await flag.waitFor({ state: 'detached' });

    // Find similar: clip 2 of the copy (mandelbrot) in other videos → clip 2 of the original first.
    await page.getByTestId('similar-clip').fill('2');
    await page.getByTestId('similar-scope').selectOption('other');
    await page.getByTestId('similar-threshold').fill('0.8');
    await page.getByTestId('similar-run').click();
    const first = page.getByTestId('similar-result').first();
    await first.waitFor();
    assert.equal(await first.getAttribute('data-video'), '1');
    assert.equal(await first.getAttribute('data-clip'), '2');
    const sims = await page.getByTestId('similar-result').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-similarity'))));
    assert.ok(
      sims.every((s) => s >= 0.8),
      `threshold applied: ${sims}`,
    );
    const videos = await page.getByTestId('similar-result').evaluateAll((els) => els.map((e) => e.getAttribute('data-video')));
    assert.ok(!videos.includes('2'), 'other videos only');

    // Find similar to the frame the player shows (the copy's first frame = the original at 2 s, in its clip 1).
    await page.getByTestId('similar-run-frame').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=similar-result]')?.getAttribute('data-clip') === '1', undefined, {
      timeout: 60_000,
    });
    const byFrame = page.getByTestId('similar-result').first();
    assert.equal(await byFrame.getAttribute('data-video'), '1');

    // Back in the library the badge is gone (the pair is decided).
    await page.evaluate(() => (window.location.hash = '#/'));
    await page.getByTestId('video-badges').first().waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=duplicate-badge]').length === 0);
    assert.deepEqual(pageErrors, []);
  },
);
