import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startAppSession, SCREENSHOTS } from '../helpers/app-page.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/library.js';
import { media } from '../helpers/media.js';
import { libraryCore } from '../helpers/library-core.js';

test(
  'library housekeeping in the browser: folder summary, failed imports, remove, filters, search, sort, jobs panel, Settings and Models',
  { timeout: 600_000 },
  async (t) => {
    const app = await startAppSession(t, ['--concurrency', '2']);
    const src = tempDir('framewise-hk-src-');
    t.after(() => src.cleanup());
    const folder = path.join(src.dir, 'exam-folder');
    mkdirSync(folder);
    const [a, b] = [await media.mp4(2), await media.webm(2)];
    copyFileSync(a, path.join(folder, 'first.mp4'));
    copyFileSync(b, path.join(folder, 'second.webm'));
    writeFileSync(path.join(folder, 'bad.mp4'), 'not a video at all');
    const cli = async (...args: string[]) => {
      const r = await runCli(['--data-dir', app.libraryDir, ...args, '--json']);
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout) as unknown;
    };
    // Reads of the library in this process (a CLI spawn per read cost ~1 CPU-s; the CLI still writes the case number).
    const core = libraryCore(t, app.libraryDir);
    const { page, errors } = await app.open({ width: 1440, height: 900 });

    await t.test('a folder import ends with a summary; the failure names the file in words', async () => {
      await page.getByTestId('import-button').click();
      await page.getByTestId('by-path-input').fill(folder);
      await page.getByTestId('by-path-submit').click();
      await page.getByTestId('import-summary').filter({ hasText: '2 imported, 0 already in the library, 1 failed' }).waitFor();
      const err = (await page.locator('[data-testid=import-result][data-phase=failed] [data-testid=import-error]').textContent())!;
      assert.match(err, /^bad\.mp4 /);
      assert.doesNotMatch(err, /ffmpeg|ffprobe/i);
      // The same folder again: the two are already there.
      await page.keyboard.press('Escape');
    });

    await t.test('failed imports can be dismissed; "Failed" and "Reviewed" filter truthfully', async () => {
      await page.getByTestId('failed-imports').waitFor();
      await page.getByTestId('library-filter').selectOption('reviewed');
      await page.getByText('No videos match').waitFor();
      await page.getByTestId('library-filter').selectOption('all');
      await page.getByTestId('failed-dismiss').click();
      await page.getByTestId('failed-imports').waitFor({ state: 'detached' });
      await page.reload();
      await page.locator('[data-testid=video-card]').nth(1).waitFor();
      assert.equal(await page.getByTestId('failed-imports').count(), 0, 'dismissed for good');
    });

    await t.test('search finds a case number (decrypted in the core); the sort order is remembered', async () => {
      const list = await (await core()).call('videos.list', {});
      const second = list.videos.find((v) => v.name === 'second.webm')!;
      await cli('meta', String(second.id), '--set', 'casenumber=F-4711');
      await page.getByTestId('library-search').fill('4711');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=video-card]').length === 1);
      assert.equal(await page.locator('[data-testid=video-card] [data-testid=video-name]').textContent(), 'second.webm');
      await page.getByTestId('library-search').fill('');
      await page.getByTestId('library-sort').selectOption('name');
      await page.reload();
      await page.locator('[data-testid=video-card]').nth(1).waitFor();
      assert.equal(await page.getByTestId('library-sort').inputValue(), 'name');
    });

    await t.test('a birth date typed as 07.09.1951 shows as stored, without a Save button; a wrong date is said once', async () => {
      await page.locator('[data-testid=video-card]', { hasText: 'second.webm' }).click();
      const dob = page.getByTestId('patient-input-dob');
      await dob.fill('07.09.1951');
      await dob.press('Enter');
      await page.waitForFunction(
        () => (document.querySelector('[data-testid=patient-input-dob]') as HTMLInputElement).value === '1951-09-07',
      );
      await page.getByTestId('patient-save-dob').waitFor({ state: 'detached' });
      await dob.fill('31.02.1951');
      await dob.press('Enter');
      const notice = page.getByTestId('notice').last();
      await notice.waitFor();
      assert.equal((await notice.locator('span').textContent())!.trim(), 'Date of birth: type a date such as 1951-09-07.');
      await notice.getByRole('button').click();
      await page.goto(`${app.server.origin}/#/`);
      await page.locator('[data-testid=video-card]').nth(1).waitFor();
    });

    await t.test('remove a copied video and its library copy; the original folder is untouched', async () => {
      await page.locator('[data-testid=video-card]', { hasText: 'first.mp4' }).click();
      await page.getByTestId('action-remove').click();
      await page.getByTestId('remove-dialog').waitFor();
      await page.getByTestId('remove-confirm').click();
      await page.waitForFunction(() => location.hash === '#/');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=video-card]').length === 1);
      assert.ok(existsSync(path.join(folder, 'first.mp4')), 'the original stays');
    });

    await t.test('jobs panel: durations, filter by state, clear finished', async () => {
      await page.getByTestId('jobs-button').click();
      await page.getByTestId('jobs-panel').waitFor();
      await page.locator('[data-testid=job-duration]').first().waitFor();
      // "Failed" shows failed jobs only; cancelled ones (removing a video cancels its queued jobs) have their own filter.
      await page.getByTestId('jobs-filter').selectOption('failed');
      await page.waitForFunction(() =>
        Array.from(document.querySelectorAll('[data-testid=jobs-panel] [data-testid=job]')).every(
          (j) => j.getAttribute('data-job-state') === 'failed',
        ),
      );
      await page.getByTestId('jobs-filter').selectOption('cancelled');
      await page.waitForFunction(() =>
        Array.from(document.querySelectorAll('[data-testid=jobs-panel] [data-testid=job]')).every(
          (j) => j.getAttribute('data-job-state') === 'cancelled',
        ),
      );
      await page.getByTestId('jobs-filter').selectOption('succeeded');
      await page.locator('[data-testid=job][data-job-state=succeeded]').first().waitFor();
      assert.equal(await page.locator('[data-testid=jobs-panel] [data-testid=job]:not([data-job-state=succeeded])').count(), 0);
      await page.getByTestId('jobs-filter').selectOption('all');
      await page.getByTestId('jobs-clear').click();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=jobs-recent] [data-testid=job]').length === 0);
      await page.getByTestId('jobs-button').click();
    });

    await t.test('Settings shows the library, the gate, OCR samples and the ffmpeg in use; changes are saved in the library', async () => {
      await page.getByTestId('nav-settings').click();
      await page.getByTestId('settings-data-dir').filter({ hasText: app.libraryDir }).waitFor();
      await page.getByTestId('settings-ffmpeg-section').waitFor();
      await page.getByTestId('settings-ffmpeg-path').waitFor();
      // 12 is typed, then the gate is saved: its answer carries every setting and must not overwrite what is typed.
      await page.getByTestId('settings-ocr-samples').fill('12');
      await page.getByTestId('settings-gate').selectOption('on');
      await page.waitForFunction(() => (document.querySelector('[data-testid=settings-gate]') as HTMLSelectElement).value === 'on');
      while ((await (await core()).call('settings.get', {})).anonymizeClinicalGate !== 'on') await new Promise((r) => setTimeout(r, 100));
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      assert.equal(await page.getByTestId('settings-ocr-samples').inputValue(), '12');
      await page.getByTestId('settings-ocr-samples').blur();
      // Waits for the stored state (the test's timeout bounds it), not for a fixed time.
      for (;;) {
        const s = await (await core()).call('settings.get', {});
        if (s.ocrSamples === 12 && s.anonymizeClinicalGate === 'on') break;
        if ((await page.getByTestId('settings-ocr-samples').inputValue()) !== '12') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(await page.getByTestId('settings-ocr-samples').inputValue(), '12');
      const s = await (await core()).call('settings.get', {});
      assert.equal(s.anonymizeClinicalGate, 'on');
      assert.equal(s.ocrSamples, 12);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'settings.png'), fullPage: true });
    });

    await t.test('Models lists the built-in model with labels and input, and refuses a bad manifest with a reason', async () => {
      await page.getByTestId('nav-models').click();
      await page.getByTestId('model').first().waitFor();
      assert.ok(((await page.getByTestId('model-labels').first().textContent()) ?? '').length > 0);
      assert.match((await page.getByTestId('model-input').first().textContent())!, /\d+×\d+/);
      await page.getByTestId('model-manifest').fill(path.join(src.dir, 'missing-manifest.json'));
      await page.getByTestId('model-add').click();
      await page.getByTestId('models-error').waitFor();
      await page.screenshot({ path: path.join(SCREENSHOTS, 'models.png'), fullPage: true });
      assert.deepEqual(errors, []);
    });
  },
);
