import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SCREENSHOTS, startAppSession } from '../helpers/app-page.js';
import { tempDir } from '../helpers/library.js';
import { libraryCore } from '../helpers/library-core.js';
import { media } from '../helpers/media.js';
import { sceneMedia } from '../helpers/scenes.js';

test(
  'library multi-select: ctrl/cmd-click, shift-click range, checkbox, Space, Ctrl+A, Escape; batch scenes and remove over the selection',
  { timeout: 600_000 },
  async (t) => {
    const app = await startAppSession(t, ['--concurrency', '2']);
    const files = [await sceneMedia.cuts(), await media.mp4(2), await media.mp4(3), await media.webm(2)];
    // An editor's folder of footage (and a note, which is no footage), imported through the app's folder picker.
    const footage = tempDir('framewise-e2e-footage-');
    t.after(() => footage.cleanup());
    for (const f of files) copyFileSync(f, path.join(footage.dir, path.basename(f)));
    writeFileSync(path.join(footage.dir, 'shot-list.txt'), 'not footage');
    // The library's jobs and videos, read in this process (a CLI spawn per read cost ~1 CPU-s).
    const core = libraryCore(t, app.libraryDir);
    const { page, errors } = await app.open({ width: 1440, height: 900 });
    await page.getByTestId('import-button').click();
    await page.getByTestId('folder-input').setInputFiles(footage.dir);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=import-result][data-phase=imported]').length === 4);
    assert.equal(await page.getByTestId('import-result').count(), 4, 'the four videos, not the note');
    await page.keyboard.press('Escape');
    await page.getByTestId('import-dialog').waitFor({ state: 'detached' });
    await page.getByTestId('library-sort').selectOption('name');
    // Sorted by name (newest-first order: descending), so the order on screen is known.
    await page.waitForFunction(() => {
      const shown = Array.from(document.querySelectorAll('[data-testid=video-card] [data-testid=video-name]')).map((e) => e.textContent);
      return shown.join() === ['vp8-2s.webm', 'scenes-cuts-25fps.mp4', 'h264-aac-3s.mp4', 'h264-aac-2s.mp4'].join();
    });
    const names = await page.locator('[data-testid=video-card] [data-testid=video-name]').allInnerTexts();
    const card = (i: number) => page.locator('[data-testid=video-card]').nth(i);
    const selectedNames = async () => page.locator('[data-testid=video-card][data-selected=true] [data-testid=video-name]').allInnerTexts();
    const count = async () => ((await page.getByTestId('selection-bar').count()) ? page.getByTestId('selection-count').innerText() : '');
    const mod = process.platform === 'darwin' ? 'Meta' : 'Control';

    await t.test('ctrl/cmd-click toggles without opening the video; shift-click selects the range', async () => {
      const before = page.url();
      await card(0).click({ modifiers: [mod] });
      await page.getByTestId('selection-bar').waitFor();
      assert.equal(page.url(), before, 'still in the library');
      assert.equal(await count(), '1 selected');
      await card(2).click({ modifiers: ['Shift'] });
      await page.getByTestId('selection-count').filter({ hasText: '3 selected' }).waitFor();
      assert.deepEqual(await selectedNames(), names.slice(0, 3));
      await card(1).click({ modifiers: [mod] });
      await page.getByTestId('selection-count').filter({ hasText: '2 selected' }).waitFor();
      assert.deepEqual(await selectedNames(), [names[0], names[2]]);
      // The checkbox on the card toggles too.
      await page.locator('[data-testid=video-select]').nth(1).click();
      await page.getByTestId('selection-count').filter({ hasText: '3 selected' }).waitFor();
      assert.equal(await page.getByTestId('action-batch').innerText(), 'Batch… (3 selected)');
      assert.equal(page.url(), before);
    });

    await t.test('keyboard: Escape clears, Space toggles the focused card, Ctrl+A selects all shown', async () => {
      await card(1).focus();
      await page.keyboard.press('Escape');
      await page.getByTestId('selection-bar').waitFor({ state: 'detached' });
      assert.match(await page.getByTestId('action-batch').innerText(), /4 shown/);
      await page.keyboard.press('Space');
      await page.getByTestId('selection-count').filter({ hasText: '1 selected' }).waitFor();
      assert.deepEqual(await selectedNames(), [names[1]]);
      await page.keyboard.press('Control+a');
      await page.getByTestId('selection-count').filter({ hasText: '4 selected' }).waitFor();
      assert.equal(await page.getByTestId('select-all-shown').isChecked(), true);
      await page.getByTestId('select-all-shown').uncheck();
      await page.getByTestId('selection-bar').waitFor({ state: 'detached' });
    });

    await t.test('a filter narrows what the selection acts on to what is shown', async () => {
      await page.getByTestId('select-all-shown').check();
      await page.getByTestId('selection-count').filter({ hasText: '4 selected' }).waitFor();
      await page.getByTestId('library-search').fill('scenes');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=video-card]').length === 1);
      assert.equal(await count(), '1 selected');
      assert.equal(await page.getByTestId('action-batch').innerText(), 'Batch… (1 selected)');
      await page.getByTestId('library-search').fill('');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=video-card]').length === 4);
      await page.getByTestId('selection-clear').click();
      await page.getByTestId('selection-bar').waitFor({ state: 'detached' });
    });

    await t.test('Batch… over the selection detects scenes on those videos only and makes their clips', async () => {
      const cutsIndex = names.indexOf(path.basename(files[0]!));
      assert.ok(cutsIndex >= 0, names.join(', '));
      const other = cutsIndex === 0 ? 1 : 0;
      await card(cutsIndex).click({ modifiers: [mod] });
      await card(other).click({ modifiers: [mod] });
      await page.getByTestId('selection-count').filter({ hasText: '2 selected' }).waitFor();
      await page.getByTestId('action-batch').click();
      await page.getByTestId('batch-op').selectOption('scenes');
      await page.getByTestId('batch-start').click();
      await page.locator('[data-testid=batch-status][data-running="0"]').waitFor({ timeout: 300_000 });
      assert.equal(await page.getByTestId('batch-summary').innerText(), '2 done, 0 failed, 0 still running');
      await page.screenshot({ path: path.join(SCREENSHOTS, 'library-selection-batch.png') });
      const jobs = await (await core()).call('jobs.list', {});
      const sceneJobs = jobs.filter((j) => j.kind === 'scenes');
      const list = await (await core()).call('videos.list', {});
      const idOf = (name: string) => list.videos.find((v) => v.name === name)!.id;
      assert.deepEqual(
        sceneJobs.map((j) => j.videoId).sort(),
        [idOf(names[cutsIndex]!), idOf(names[other]!)].sort(),
        'scenes ran on the two selected videos only',
      );
      assert.ok(sceneJobs.every((j) => j.state === 'succeeded'));
      // The clips were made from the detection: the cut video has its four scenes as clips to review.
      await page.keyboard.press('Escape');
      await card(cutsIndex).click();
      await page.getByTestId('clip-row-4').waitFor();
      assert.equal(await page.locator('[data-testid^=clip-row-]').count(), 4);
      await page.goBack();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=video-card]').length === 4);
    });

    await t.test('Remove from library… over the selection asks first, then removes exactly the selected videos', async () => {
      await page.getByTestId('selection-clear').click();
      await card(2).click({ modifiers: [mod] });
      await card(3).click({ modifiers: [mod] });
      await page.getByTestId('selection-count').filter({ hasText: '2 selected' }).waitFor();
      await page.getByTestId('selection-remove').click();
      const dialog = page.getByTestId('remove-dialog');
      await dialog.waitFor();
      assert.deepEqual(await page.getByTestId('remove-names').locator('li').allInnerTexts(), [names[2], names[3]]);
      // Cancel keeps everything.
      await dialog.getByRole('button', { name: 'Cancel' }).last().click();
      await dialog.waitFor({ state: 'detached' });
      assert.equal(await page.locator('[data-testid=video-card]').count(), 4);
      await page.getByTestId('selection-remove').click();
      await page.getByTestId('remove-confirm').click();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=video-card]').length === 2);
      await page.getByTestId('selection-bar').waitFor({ state: 'detached' });
      assert.deepEqual(await page.locator('[data-testid=video-card] [data-testid=video-name]').allInnerTexts(), names.slice(0, 2));
      const list = await (await core()).call('videos.list', {});
      assert.deepEqual(list.videos.map((v) => v.name).sort(), names.slice(0, 2).sort());
    });

    await t.test('list view: the same gestures on rows', async () => {
      await page.getByRole('button', { name: 'List view' }).click();
      const row = (i: number) => page.locator('[data-testid=video-row]').nth(i);
      await row(1).waitFor();
      await row(0).click({ modifiers: [mod] });
      await row(1).click({ modifiers: ['Shift'] });
      await page.getByTestId('selection-count').filter({ hasText: '2 selected' }).waitFor();
      assert.equal(await page.locator('[data-testid=video-row][data-selected=true]').count(), 2);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'library-selection-list.png') });
      await page.getByRole('button', { name: 'Grid view' }).click();
    });

    // The grid and list translate once and hand `t` to their cards (no translation hook per card): the badge and
    // the checkbox label still come out in the chosen language, in both views. (Settings is another page, so the
    // grid mounts again after a switch; this does not exercise a switch under a mounted grid.)
    await t.test('cards on screen follow a language switch', async () => {
      const firstBox = page.locator('[data-testid=video-card]').first().locator('xpath=..').getByTestId('video-select');
      assert.equal(await firstBox.getAttribute('aria-label'), `Select ${names[0]}`);
      await page.getByTestId('nav-settings').click();
      await page.getByTestId('settings-language').selectOption('de');
      await page.getByRole('link', { name: 'Bibliothek' }).click();
      await page.getByTestId('video-card').first().getByTestId('video-badges').filter({ hasText: 'Importiert' }).waitFor();
      assert.equal(await firstBox.getAttribute('aria-label'), `${names[0]} auswählen`);
      await page.getByRole('button', { name: 'Listenansicht' }).click();
      await page.getByTestId('video-row').first().getByTestId('video-badges').filter({ hasText: 'Importiert' }).waitFor();
      await page.getByRole('button', { name: 'Kachelansicht' }).click();
      await page.getByTestId('nav-settings').click();
      await page.getByTestId('settings-language').selectOption('en');
      await page.getByRole('heading', { name: 'Settings' }).waitFor();
    });
    assert.deepEqual(errors, []);
  },
);
