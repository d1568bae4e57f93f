import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { SCREENSHOTS, startAppSession } from '../helpers/app-page.js';
import { libraryCore } from '../helpers/library-core.js';
import { tempDir } from '../helpers/library.js';
import { media } from '../helpers/media.js';

/** Press Tab (or Shift+Tab) until the element with this test id has focus; returns the presses needed. */
async function tabTo(page: Page, testId: string, opts: { max?: number; back?: boolean } = {}): Promise<number> {
  for (let i = 1; i <= (opts.max ?? 80); i++) {
    await page.keyboard.press(opts.back ? 'Shift+Tab' : 'Tab');
    if (await page.evaluate((id) => document.activeElement?.getAttribute('data-testid') === id, testId)) return i;
  }
  throw new Error(`Tab never reached ${testId}`);
}

/** The focused element shows a focus ring (outline or box-shadow). */
async function focusVisible(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return false;
    const cs = getComputedStyle(el);
    const after = getComputedStyle(el, '::after');
    return (
      (cs.outlineStyle !== 'none' && cs.outlineWidth !== '0px') ||
      cs.boxShadow !== 'none' ||
      after.backgroundColor === cs.getPropertyValue('--accent')
    );
  });
}

test(
  'a reviewer\u2019s day without the mouse: import, review with the keyboard, one-step relabel, export',
  { timeout: 600_000 },
  async (t) => {
    const app = await startAppSession(t);
    const out = tempDir('framewise-kbd-out-');
    t.after(() => out.cleanup());
    // 4 s (frames 0..99) holds the frames 10–39 edited here; OCR and the export run over the whole clip, so a
    // shorter one halves them (and the clip is the one other files generate).
    const file = await media.mp4(4);
    const { page, errors } = await app.open({ width: 1440, height: 900 });
    // The stored segments and settings, read in this process (a CLI spawn per read cost ~1 CPU-s).
    const core = libraryCore(t, app.libraryDir);
    await page.getByText('Your library is empty').waitFor();

    await t.test('import by path with the keyboard', async () => {
      await tabTo(page, 'import-button');
      assert.ok(await focusVisible(page), 'the focused Import button shows it');
      await page.keyboard.press('Enter');
      await page.getByTestId('import-dialog').waitFor();
      await tabTo(page, 'by-path-input');
      await page.keyboard.type(file);
      await page.keyboard.press('Enter');
      await page.locator('[data-testid=import-result][data-phase=imported]').waitFor({ timeout: 300_000 });
      await page.keyboard.press('Escape');
      await page.getByTestId('import-dialog').waitFor({ state: 'detached' });
      await tabTo(page, 'video-card');
      await page.keyboard.press('Enter');
      await page.getByTestId('timeline-canvas').waitFor();
    });

    await t.test('Tab reaches Predict, Export, the patient fields and the timeline, with a visible focus', async () => {
      for (const id of ['action-predict', 'action-export', 'player-stage', 'split-handle', 'timeline-canvas', 'patient-input-last_name']) {
        const n = await tabTo(page, id, { max: 60 });
        assert.ok(n <= 60, `${id} in ${n} presses`);
        assert.ok(await focusVisible(page), `${id} shows its focus`);
      }
    });

    let videoId = 0;
    await t.test('New label dialog, in/out marks, N, Enter, the selection editor', async () => {
      videoId = Number(/#\/video\/(\d+)/.exec(page.url())![1]);
      await tabTo(page, 'tl-new-label', { back: true, max: 80 });
      await page.keyboard.press('Enter');
      await page.getByTestId('new-label-dialog').waitFor();
      await page.keyboard.type('tool');
      await page.keyboard.press('Enter');
      await page.getByTestId('new-label-dialog').waitFor({ state: 'detached' });
      await page.locator('[data-testid=lane-head][data-label=tool]').waitFor();
      await tabTo(page, 'timeline-canvas');
      for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowRight');
      await page.getByTestId('frame-number').filter({ hasText: /^10$/ }).waitFor();
      await page.keyboard.press('i');
      for (let i = 0; i < 20; i++) await page.keyboard.press('ArrowRight');
      await page.getByTestId('frame-number').filter({ hasText: /^30$/ }).waitFor();
      await page.keyboard.press('o');
      await page.keyboard.press('n');
      await page.getByTestId('sel-first').waitFor();
      assert.equal(await page.getByTestId('sel-first').inputValue(), '10');
      assert.equal(await page.getByTestId('sel-last').inputValue(), '30', 'the last frame, not the exclusive end');
      assert.equal(await page.getByTestId('sel-start-time').textContent(), '0:00:00.400', 'frame 10 starts at 0.400 s');
      // Type a new last frame and apply it.
      await tabTo(page, 'sel-last');
      await page.keyboard.press('Control+a');
      await page.keyboard.type('39');
      await page.keyboard.press('Enter');
      // Stored: the form shows the answer (the typed value alone shows before it arrives, with Apply enabled).
      await page.waitForFunction(
        () =>
          (document.querySelector('[data-testid=sel-last]') as HTMLInputElement | null)?.value === '39' &&
          (document.querySelector('[data-testid=sel-apply]') as HTMLButtonElement | null)?.disabled === true,
      );
      await tabTo(page, 'timeline-canvas', { back: true });
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.querySelector('[data-testid=tl-progress]')?.getAttribute('data-validated') === '1');
      const segs = await (await core()).call('segments.list', { video: String(videoId) });
      assert.deepEqual(
        segs.map((s) => [s.label, s.startFrame, s.endFrame, s.validated]),
        [['tool', 10, 40, true]],
      );
    });

    await t.test('relabelling the selection is one undo step; Tab is never taken by the timeline', async () => {
      await tabTo(page, 'tl-new-label', { back: true });
      await page.keyboard.press('Enter');
      await page.getByTestId('new-label-dialog').waitFor();
      await page.keyboard.type('blood');
      await page.keyboard.press('Enter');
      await page.locator('[data-testid=lane-head][data-label=blood] .tl-lane-count').filter({ hasText: '1/1' }).waitFor();
      const history = (await (await core()).call('segments.history', { video: String(videoId) })) as unknown[];
      await tabTo(page, 'timeline-canvas');
      await page.keyboard.press('Control+z');
      await page.locator('[data-testid=lane-head][data-label=tool] .tl-lane-count').filter({ hasText: '1/1' }).waitFor();
      const segs = await (await core()).call('segments.list', { video: String(videoId) });
      assert.deepEqual(
        segs.map((s) => s.label),
        ['tool'],
        'one Ctrl+Z undid the relabel',
      );
      assert.ok(Array.isArray(history));
      // Tab moves focus on (to the history / side panels), it does not select segments.
      const before = await page.getByTestId('timeline-canvas').getAttribute('data-selected');
      await page.keyboard.press('Tab');
      assert.notEqual(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'timeline-canvas');
      assert.equal(await page.getByTestId('timeline-canvas').getAttribute('data-selected'), before);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'keyboard-review.png') });
    });

    await t.test('export from the keyboard: folder field checked, the footer button, a verified file', async () => {
      // Something to anonymize: read the overlay (text boxes), from the keyboard too.
      await tabTo(page, 'patient-read');
      await page.keyboard.press('Enter');
      await page.getByTestId('patient-profile-used').waitFor({ timeout: 240_000 });
      await tabTo(page, 'action-export', { back: true, max: 80 });
      await page.keyboard.press('Enter');
      await page.getByTestId('export-dialog').waitFor();
      await tabTo(page, 'anon-dir');
      // The video changes while the dialog is open (here: its review progress, from another process; in use: a
      // job ending): the page re-renders under the dialog, and the field being typed in keeps the focus.
      await page.keyboard.type(out.dir);
      const validated = async (v: boolean) => {
        const [seg] = await (await core()).call('segments.list', { video: String(videoId) });
        await (await core()).call('segments.validate', { video: String(videoId), ids: [seg!.id], validated: v });
        await page.waitForFunction(
          (n) => document.querySelector('[data-testid=tl-progress]')?.getAttribute('data-validated') === n,
          v ? '1' : '0',
        );
      };
      await validated(false);
      await validated(true);
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'anon-dir');
      await page.keyboard.type('/does-not-exist');
      assert.equal(await page.getByTestId('anon-dir').inputValue(), path.join(out.dir, 'does-not-exist'));
      await page.getByTestId('anon-dir-state').filter({ hasText: 'This folder does not exist.' }).waitFor();
      assert.equal(await page.getByTestId('anon-start').isDisabled(), true);
      assert.match((await page.getByTestId('anon-blocked').textContent())!, /Choose an output folder/);
      await page.keyboard.press('Control+a');
      await page.keyboard.type(out.dir);
      await page.getByTestId('anon-dir-state').filter({ hasText: 'Files can be written here.' }).waitFor();
      await tabTo(page, 'anon-start');
      await page.keyboard.press('Enter');
      await page
        .locator('[data-testid=anon-result], [data-testid=anon-failed], [data-testid=anon-error]')
        .first()
        .waitFor({ timeout: 300_000 });
      await page.screenshot({ path: path.join(SCREENSHOTS, 'keyboard-export.png') });
      assert.equal(await page.getByTestId('anon-result').count(), 1, (await page.getByTestId('export-dialog').innerText()).slice(0, 2000));
      assert.equal(readdirSync(out.dir).filter((f) => f.endsWith('.mp4')).length, 1);
      assert.ok(existsSync(out.dir));
      // The folder is remembered for the library.
      const settings = await (await core()).call('settings.get', {});
      assert.deepEqual(settings.exportRecentFolders, [out.dir]);
      assert.deepEqual(errors, []);
    });
  },
);
