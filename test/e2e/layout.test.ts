import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { clippedText, horizontalOverflow, SCREENSHOTS, startAppSession } from '../helpers/app-page.js';
import { media } from '../helpers/media.js';

const REGIONS = [
  '.topbar',
  '.workspace > main',
  '.video-head',
  '.video-body',
  '.video-side',
  '.drawer',
  '.modal',
  '.toolbar',
  '.tl-toolbar',
];

/** Every running animation ended: finished or cancelled (an element re-rendered mid-animation cancels it). */
async function settle(page: Page): Promise<void> {
  await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))));
}

async function check(page: Page, name: string, opts: { clipped?: boolean } = {}): Promise<void> {
  await settle(page);
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
  assert.deepEqual(await horizontalOverflow(page, REGIONS), [], `${name}: horizontal overflow`);
  if (opts.clipped) assert.deepEqual(await clippedText(page, '.app'), [], `${name}: clipped text`);
}

/** Visible rectangle of an element (null when it is not on screen at all). */
async function box(page: Page, testId: string) {
  const b = await page.getByTestId(testId).boundingBox();
  return b && b.width > 0 && b.height > 0 ? b : null;
}

test(
  'every screen from 1024×700 to 1440×900, light and dark, English and German: no overflow, player and lanes together',
  { timeout: 600_000 },
  async (t) => {
    const app = await startAppSession(t);
    const file = await media.mp4(6, 'layout-clip-with-a-rather-long-file-name-from-the-endoscopy-tower.mp4');
    // Import once (English, big window).
    {
      const { page, context } = await app.open({ width: 1440, height: 900 });
      await page.getByTestId('import-button').click();
      await page.getByTestId('by-path-input').fill(file);
      await page.getByTestId('by-path-submit').click();
      await page.locator('[data-testid=import-result][data-phase=imported]').waitFor();
      await context.close();
    }
    for (const locale of ['en-US', 'de-DE'] as const)
      for (const [width, height] of [
        [1024, 700],
        [1440, 900],
      ] as const)
        for (const colorScheme of ['light', 'dark'] as const) {
          const tag = `${locale.slice(0, 2)}-${width}x${height}-${colorScheme}`;
          await t.test(tag, async () => {
            const { page, context, errors } = await app.open({ locale, width, height, colorScheme });
            const german = locale === 'de-DE';
            await page.locator('[data-testid=video-card]').first().waitFor();
            await check(page, `layout-library-${tag}`, { clipped: german });

            await page.locator('[data-testid=video-card]').first().click();
            await page.getByTestId('timeline-canvas').waitFor();
            await page.getByTestId('player-stage').waitFor();
            await settle(page);
            await page.screenshot({ path: path.join(SCREENSHOTS, `layout-video-${tag}.png`) });
            // The frame and the lanes are on one screen without scrolling.
            const stage = await box(page, 'player-stage');
            const lanes = await box(page, 'timeline-canvas');
            assert.ok(stage && lanes, 'player and lanes rendered');
            assert.ok(stage.height >= 150, `player ${stage.height}px high`);
            assert.ok(lanes.y < height && lanes.y + 20 < height, `lanes start at ${lanes.y}, inside the ${height}px window`);
            assert.ok(stage.y >= 0 && stage.y + stage.height <= height, 'the whole picture is visible');
            await check(page, `layout-video-${tag}`, { clipped: german });

            // With the jobs panel open the header keeps the name and its actions.
            await page.getByTestId('jobs-button').click();
            await page.getByTestId('jobs-panel').waitFor();
            await settle(page);
            await page.screenshot({ path: path.join(SCREENSHOTS, `layout-video-jobs-${tag}.png`) });
            const title = await box(page, 'video-title');
            assert.ok(title && title.width >= 60, `the file name stays visible (${title?.width ?? 0}px)`);
            const predict = await box(page, 'action-predict');
            assert.ok(predict, 'Predict stays visible');
            const st = await box(page, 'player-stage');
            assert.ok(st && st.height >= 150, `player ${st?.height ?? 0}px high with the jobs panel open`);
            await check(page, `layout-video-jobs-${tag}`, { clipped: german });
            await page.getByTestId('jobs-button').click();

            await page.getByTestId('action-export').click();
            await page.getByTestId('export-dialog').waitFor();
            await page.getByTestId('anon-facts').waitFor();
            // The footer with the action stays in view.
            const start = await box(page, 'anon-start');
            assert.ok(start && start.y + start.height <= height, 'the export button is visible without scrolling');
            await check(page, `layout-export-${tag}`, { clipped: german });
            await page.keyboard.press('Escape');

            await page.getByTestId('nav-settings').click();
            await page.getByTestId('settings-view').waitFor();
            await check(page, `layout-settings-${tag}`, { clipped: german });
            await page.getByTestId('nav-models').click();
            await page.getByTestId('model').first().waitFor();
            await check(page, `layout-models-${tag}`, { clipped: german });
            assert.deepEqual(errors, []);
            await context.close();
          });
        }
  },
);
