import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import path from 'node:path';
import { SCREENSHOTS, startAppSession } from '../helpers/app-page.js';

const BUNDLED_FFMPEG = (createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string }).path;

test('Settings show both binaries with version, source and reason, and warn about a 2018 build', { timeout: 180_000 }, async (t) => {
  const app = await startAppSession(t, ['--ffmpeg', BUNDLED_FFMPEG]);
  const { page, errors } = await app.open({ locale: 'en-US', width: 1024, height: 800 });
  await page.getByTestId('nav-settings').click();
  const ffmpeg = page.getByTestId('settings-ffmpeg');
  await ffmpeg.waitFor();
  const ffmpegText = (await ffmpeg.textContent()) ?? '';
  assert.match(ffmpegText, /N-47683\S* \(built 2018\) · set in the settings or by a flag/);
  assert.ok(ffmpegText.includes(BUNDLED_FFMPEG), 'the path is shown');
  assert.match(ffmpegText, /Why: set by the ffmpegPath setting or --ffmpeg/);
  const ffprobeText = (await page.getByTestId('settings-ffprobe').textContent()) ?? '';
  assert.match(ffprobeText, /ffprobe.*(built \d{4})/);
  const warnings = (await page.getByTestId('settings-ffmpeg-warnings').textContent()) ?? '';
  assert.match(warnings, /build from 2018, older than 2022/);
  assert.match((await page.getByTestId('settings-ffmpeg-features').textContent()) ?? '', /Every feature that needs ffmpeg is available/);
  await page.getByTestId('settings-ffmpeg-section').screenshot({ path: path.join(SCREENSHOTS, 'settings-ffmpeg-warning.png') });
  assert.deepEqual(errors, []);
});
