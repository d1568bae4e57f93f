import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { SCREENSHOTS, startAppSession } from '../helpers/app-page.js';

test('language follows the system, Settings switches it and the theme, both survive a reload', { timeout: 180_000 }, async (t) => {
  const app = await startAppSession(t);
  const { page, errors } = await app.open({ locale: 'de-DE', width: 1024, height: 700 });
  // German system → German UI, with German formatting on <html lang>.
  await page.getByRole('link', { name: 'Bibliothek' }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'de');
  await page.getByTestId('nav-settings').click();
  await page.getByRole('heading', { name: 'Einstellungen' }).waitFor();
  const systemOption = await page.getByTestId('settings-language').locator('option[value=system]').textContent();
  assert.equal(systemOption, 'Systemsprache (Deutsch)');

  await page.getByTestId('settings-language').selectOption('en');
  await page.getByRole('heading', { name: 'Settings' }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');

  await page.getByTestId('settings-theme').selectOption('dark');
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'settings-dark-1024.png') });

  await page.reload();
  await page.getByRole('heading', { name: 'Settings' }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  await page.getByTestId('settings-language').selectOption('system');
  await page.getByRole('heading', { name: 'Einstellungen' }).waitFor();
  assert.deepEqual(errors, []);
});
