import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startAppSession } from '../helpers/app-page.js';
import { runCli } from '../helpers/cli.js';
import { generated } from '../helpers/media.js';

/** Sound from 0 s, picture from 1.08 s (24 frames at 25 fps): the file lasts 2.04 s. */
const lateStart = () =>
  generated('late-start-video-1080ms.mp4', (out) => [
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:sample_rate=48000:duration=2.04',
    '-itsoffset',
    '1.075',
    '-f',
    'lavfi',
    '-i',
    'testsrc2=s=320x240:r=25:d=0.96',
    '-map',
    '1:v',
    '-map',
    '0:a',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    // Keep the gap (the default would fill it by repeating the first picture from 0 s).
    '-vsync',
    'passthrough',
    '-c:a',
    'aac',
    out,
  ]);

test(
  'a video whose picture starts late: the container duration in the library, frame 0 is the first picture',
  { timeout: 300_000 },
  async (t) => {
    const app = await startAppSession(t);
    const file = await lateStart();
    const imported = await runCli(['--data-dir', app.libraryDir, 'import', file, '--json']);
    assert.equal(imported.code, 0, imported.stderr);
    const videoId = (JSON.parse(imported.stdout) as { results: Array<{ videoId: number }> }).results[0]!.videoId;
    const shown = await runCli(['--data-dir', app.libraryDir, 'info', String(videoId), '--json']);
    assert.equal(shown.code, 0, shown.stderr);
    const detail = JSON.parse(shown.stdout) as { duration: number; metadata: { videoStart?: number } };
    assert.ok(Math.abs(detail.duration - 2.04) < 0.05, `container duration ${detail.duration}`);
    const offset = detail.metadata.videoStart ?? 0;
    assert.ok(Math.abs(offset - 1.08) < 0.01, `the picture starts at ${offset} s`);

    const { page, errors } = await app.open({ width: 1280, height: 800 });
    await page.getByTestId('video-duration').filter({ hasText: '0:02' }).waitFor();
    await page.getByTestId('video-card').click();
    await page.getByTestId('video-view').waitFor();
    await page.waitForFunction(() => (document.querySelector<HTMLVideoElement>('[data-testid=video-element]')?.readyState ?? 0) >= 1);
    const elementTime = async () => {
      await page.waitForFunction(() => !document.querySelector<HTMLVideoElement>('[data-testid=video-element]')!.seeking);
      return page.getByTestId('video-element').evaluate((v: HTMLVideoElement) => v.currentTime);
    };
    // Frame 10 is 0.4 s into the picture: the element is at offset + 0.4 on the file's clock.
    await page.getByTestId('goto-frame').fill('10');
    await page.getByTestId('goto-frame').press('Enter');
    await page.getByTestId('frame-number').filter({ hasText: /^10$/ }).waitFor();
    assert.equal(await page.getByTestId('current-time').textContent(), '0:00:00.400');
    const at10 = await elementTime();
    assert.ok(at10 >= offset + 0.4 - 1e-3 && at10 < offset + 0.44, `frame 10 at ${at10} s of the file`);
    // Frame 0 is the first picture (not the black second before it), and reading the time back gives frame 0.
    await page.keyboard.press('Home');
    await page.getByTestId('frame-number').filter({ hasText: /^0$/ }).waitFor();
    const at0 = await elementTime();
    assert.ok(at0 >= offset - 1e-3 && at0 < offset + 0.04, `frame 0 at ${at0} s of the file`);
    // The last frame is 23 (24 pictures), not a frame past the picture's end.
    await page.keyboard.press('End');
    await page.getByTestId('frame-number').filter({ hasText: /^23$/ }).waitFor();
    assert.deepEqual(errors, []);
  },
);
