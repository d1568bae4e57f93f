import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { REPO_ROOT } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/library.js';
import { deferCleanups } from '../helpers/cleanups.js';
import { generated, lavfi, media } from '../helpers/media.js';
import { startServe } from '../helpers/serve.js';
import { rawRequest, tryWebSocket, wsCall } from '../helpers/http.js';
import { launchChromium } from '../helpers/browser.js';

const SCREENSHOTS = path.join(REPO_ROOT, 'test-output', 'screenshots');

async function launch(): Promise<Browser> {
  return launchChromium();
}

/** Drop real files (bytes read from disk) onto the window, as a desktop drag would. */
async function dropFiles(page: Page, files: string[]): Promise<void> {
  const payload = await Promise.all(
    files.map(async (f) => ({
      name: path.basename(f),
      b64: (await readFile(f)).toString('base64'),
      type: f.endsWith('.webm') ? 'video/webm' : 'video/mp4',
    })),
  );
  await page.evaluate((list) => {
    const dt = new DataTransfer();
    for (const f of list) {
      const bin = atob(f.b64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      dt.items.add(new File([bytes], f.name, { type: f.type }));
    }
    (window as unknown as { __dt: DataTransfer }).__dt = dt;
    document.body.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, payload);
  await page.getByTestId('drop-overlay').waitFor({ state: 'visible' });
  await page.evaluate(() => {
    const dt = (window as unknown as { __dt: DataTransfer }).__dt;
    document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  await page.getByTestId('drop-overlay').waitFor({ state: 'detached' });
}

async function importByPath(page: Page, file: string): Promise<void> {
  await page.getByTestId('by-path-input').fill(file);
  await page.getByTestId('by-path-submit').click();
}

/** 10 s at the exact NTSC rate 30000/1001: frames 0..299. */
const ntscVideo = () =>
  generated('h264-ntsc-10s.mp4', (out) => [
    ...lavfi.video({ duration: 10, rate: '30000/1001' }),
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    out,
  ]);

const card = (page: Page, name: string) =>
  page.locator('[data-testid=video-card]', { has: page.locator(`[data-testid=video-name]:text-is("${name}")`) });

test('browser mode end to end: import, jobs, player, reload, security', { timeout: 600_000 }, async (t) => {
  if (!existsSync(path.join(REPO_ROOT, 'dist', 'renderer', 'index.html'))) {
    throw new Error('dist/renderer is not built: run `npm run build` (npm test does) before the e2e tests');
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  const defer = deferCleanups(t);
  const lib = tempDir('framewise-e2e-');
  const inputs = tempDir('framewise-e2e-inputs-');
  defer(() => {
    lib.cleanup();
    inputs.cleanup();
  });
  const [dropA, dropB, byPath, long, ntsc] = await Promise.all([media.mp4(4), media.webm(2), media.mp4(3), media.long1080(), ntscVideo()]);
  const corrupt = path.join(inputs.dir, 'corrupt-scan.mp4');
  writeFileSync(corrupt, Buffer.concat([Buffer.from('\x00\x00\x00\x18ftypmp42'), randomBytes(64 * 1024)]));

  const server = await startServe(lib.dir, ['--concurrency', '2']);
  defer(() => server.stop());
  const browser = await launch();
  defer(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.setDefaultTimeout(90_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));

  await t.test('first load: the token moves into a cookie, the empty library explains what to do', async () => {
    await page.goto(server.url);
    assert.equal(new URL(page.url()).search, '', 'the token is removed from the address bar');
    await page.getByText('Your library is empty').waitFor();
    const cookies = await page.context().cookies();
    const c = cookies.find((k) => k.name === `fw_token_${server.port}`);
    assert.ok(c, 'token cookie set');
    assert.equal(c.httpOnly, true);
    assert.equal(c.sameSite, 'Strict');
  });

  await t.test('import three videos (dropped files and the by-path field) and see thumbnails and metadata', async () => {
    await dropFiles(page, [dropA, dropB]);
    await page.getByTestId('import-dialog').waitFor();
    await importByPath(page, byPath);
    const results = page.getByTestId('import-result');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=import-result][data-phase=imported]').length === 3);
    assert.equal(await results.count(), 3);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'import-dialog.png') });
    await page.keyboard.press('Escape');
    await page.getByTestId('import-dialog').waitFor({ state: 'detached' });
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=video-card]').length === 3);
    for (const [file, duration, resolution] of [
      [dropA, '0:04', '320×240'],
      [dropB, '0:02', '320×240'],
      [byPath, '0:03', '320×240'],
    ] as const) {
      const c = card(page, path.basename(file));
      await c.waitFor();
      assert.equal(await c.getByTestId('video-duration').textContent(), duration);
      assert.equal(await c.getByTestId('video-resolution').textContent(), resolution);
      // The thumbnail image really loaded (decoded from the bridge's media endpoint).
      const thumb = c.locator('img.thumb');
      await thumb.waitFor();
      await page.waitForFunction((img) => (img as HTMLImageElement).complete, await thumb.elementHandle());
      assert.equal(await thumb.evaluate((img: HTMLImageElement) => img.naturalWidth), 320, 'the thumbnail decoded');
    }
    // Dropped files were streamed into the library's uploads folder; the by-path one stayed where it is.
    const ws = await tryWebSocket(`ws://127.0.0.1:${server.port}/ws`, { 'x-framewise-token': server.token }, server.origin);
    assert.ok(ws.open);
    const list = (await wsCall(ws.ws, 1, 'videos.list', {})).result as { videos: Array<{ name: string; path: string }> };
    ws.ws.close();
    const byName = new Map(list.videos.map((v) => [v.name, v.path]));
    assert.ok(byName.get(path.basename(dropA))!.startsWith(path.join(lib.dir, 'uploads') + path.sep));
    assert.ok(byName.get(path.basename(dropB))!.startsWith(path.join(lib.dir, 'uploads') + path.sep));
    assert.equal(byName.get(path.basename(byPath)), byPath);
  });

  await t.test('a corrupt file fails with its own name and specific reason, also after closing the dialog', async () => {
    await page.getByTestId('import-button').click();
    await importByPath(page, corrupt);
    const row = page.locator('[data-testid=import-result][data-phase=failed]', { hasText: 'corrupt-scan.mp4' });
    await row.waitFor();
    const shown = (await row.getByTestId('import-error').textContent())!;
    // The exact reason the core recorded for that import job.
    const ws = await tryWebSocket(`ws://127.0.0.1:${server.port}/ws`, { 'x-framewise-token': server.token }, server.origin);
    assert.ok(ws.open);
    const jobs = await wsCall(ws.ws, 1, 'jobs.list', { kind: 'import', states: ['failed'] });
    ws.ws.close();
    const failed = (jobs.result as Array<{ input: { path: string }; error: { code: string; message: string } }>).find(
      (j) => j.input.path === corrupt,
    )!;
    assert.ok(failed, 'the import job failed');
    assert.notEqual(failed.error.code, 'internal');
    // Said in words for the file the user picked (its name), without the tools' names.
    assert.ok(shown.startsWith('corrupt-scan.mp4'), shown);
    assert.doesNotMatch(shown, /ffmpeg|ffprobe|moov|\/tmp\//i);
    assert.notEqual(shown, failed.error.message, 'not the raw core message');
    // The same file again: reported per file as a duplicate, not as a failure.
    await importByPath(page, byPath);
    const dup = page.locator('[data-testid=import-result][data-phase=duplicate]', { hasText: path.basename(byPath) });
    await dup.waitFor();
    assert.match((await dup.textContent())!, /Already in library/);
    // The file picker (browser mode: the chosen file is uploaded) reports the same for a dropped file's content.
    await page.getByTestId('file-input').setInputFiles(dropB);
    await page.locator('[data-testid=import-result][data-phase=duplicate]', { hasText: path.basename(dropB) }).waitFor();
    await page.keyboard.press('Escape');
    const listed = page.locator('[data-testid=failed-import]', { hasText: 'corrupt-scan.mp4' });
    await listed.waitFor();
    assert.ok((await listed.textContent())!.includes(shown));
  });

  await t.test('a long job shows moving progress and finishes; another is cancelled', async () => {
    await page.getByTestId('import-button').click();
    await importByPath(page, long);
    await page.locator('[data-testid=import-result][data-phase=imported]', { hasText: path.basename(long) }).waitFor();
    await page.keyboard.press('Escape');
    await card(page, path.basename(long)).click();
    await page.getByTestId('video-view').waitFor();
    // Record every progress value the UI shows for verify-decode jobs (no timing: just what was displayed).
    await page.evaluate(() => {
      const seen: Record<string, number[]> = {};
      (window as unknown as { __progress: typeof seen }).__progress = seen;
      const record = () => {
        for (const el of Array.from(
          document.querySelectorAll('[data-testid=jobs-panel] [data-job-kind=verify-decode][data-job-state=running]'),
        )) {
          const v = el.querySelector('[role=progressbar]')?.getAttribute('aria-valuenow');
          const id = el.getAttribute('data-job-id')!;
          if (v !== null && v !== undefined) {
            const list = (seen[id] ??= []);
            if (list[list.length - 1] !== Number(v)) list.push(Number(v));
          }
        }
      };
      new MutationObserver(record).observe(document.body, {
        subtree: true,
        childList: true,
        attributes: true,
        attributeFilter: ['aria-valuenow', 'data-job-state'],
      });
    });
    await page.getByTestId('jobs-button').click();
    await page.getByTestId('jobs-panel').waitFor();
    await page.getByTestId('action-verify-decode').click();
    const running = page.locator('[data-testid=jobs-panel] [data-job-kind=verify-decode][data-job-state=running]');
    await running.waitFor();
    const jobId = await running.getAttribute('data-job-id');
    assert.equal(
      await page
        .getByTestId('jobs-running-count')
        .textContent()
        .then((s) => Number(s) >= 1),
      true,
      'running-count badge',
    );
    await running.getByTestId('job-stage').filter({ hasText: 'decoding' }).waitFor();
    await page.locator(`[data-testid=jobs-panel] [data-job-id="${jobId}"][data-job-state=succeeded]`).waitFor({ timeout: 300_000 });
    const values = await page.evaluate(
      (id) => (window as unknown as { __progress: Record<string, number[]> }).__progress[id!] ?? [],
      jobId,
    );
    const between = values.filter((v) => v > 0 && v < 100);
    assert.ok(between.length >= 2, `progress moved through several values: ${JSON.stringify(values)}`);
    for (let i = 1; i < values.length; i++) assert.ok(values[i]! >= values[i - 1]!, `progress never goes back: ${JSON.stringify(values)}`);

    // A second run of the same job, cancelled while it runs.
    await page.getByTestId('action-verify-decode').click();
    const second = page.locator(
      `[data-testid=jobs-panel] [data-job-kind=verify-decode][data-job-state=running]:not([data-job-id="${jobId}"])`,
    );
    await second.waitFor();
    const secondId = await second.getAttribute('data-job-id');
    await page.waitForFunction(
      (id) => ((window as unknown as { __progress: Record<string, number[]> }).__progress[id!] ?? []).some((v) => v > 0),
      secondId,
    );
    await second.getByTestId('job-cancel').click();
    const cancelled = page.locator(`[data-testid=jobs-panel] [data-job-id="${secondId}"][data-job-state=cancelled]`);
    await cancelled.waitFor();
    assert.match((await cancelled.textContent())!, /Cancelled/);
    assert.ok(await cancelled.getByTestId('job-retry').isVisible(), 'a cancelled job offers retry');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'jobs-panel.png') });
    await page.getByTestId('jobs-button').click();
  });

  await t.test('open a video, seek to the middle and the end, step frames, read the frame number', async () => {
    await page.goto(`${server.origin}/#/`);
    // Keyboard only: focus the card and open it with Enter.
    await card(page, path.basename(dropA)).focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('video-view').waitFor();
    // 4 s at 25 fps: frames 0..99. Wait until the exact frame count is known and the media is loaded.
    await page.getByTestId('meta-frames').filter({ hasText: /^100$/ }).waitFor();
    const video = page.getByTestId('video-element');
    const mediaState = () =>
      video.evaluate((v: HTMLVideoElement) => ({
        readyState: v.readyState,
        seeking: v.seeking,
        currentTime: v.currentTime,
        error: v.error?.message ?? null,
      }));
    await page
      .waitForFunction(
        () => ((document.querySelector('[data-testid=video-element]') as HTMLVideoElement | null)?.readyState ?? 0) >= 1,
        null,
        { timeout: 60_000 },
      )
      .catch(async (e) => {
        throw new Error(`video never loaded: ${JSON.stringify(await mediaState())} ${e}`);
      });
    const frameShown = async () => Number(await page.getByTestId('frame-number').textContent());
    /** The frame the <video> element itself is at, once its seek completed (exact fps 25/1). */
    const elementFrame = async () => {
      await page.waitForFunction(() => !(document.querySelector('[data-testid=video-element]') as HTMLVideoElement).seeking, null, {
        timeout: 60_000,
      });
      const st = await mediaState();
      return Math.floor(st.currentTime * 25 + 1e-6);
    };

    await page.getByTestId('goto-frame').fill('50');
    await page.getByTestId('goto-frame').press('Enter');
    await page.getByTestId('frame-number').filter({ hasText: /^50$/ }).waitFor();
    assert.equal(await elementFrame(), 50);
    // One time convention: the start time of the frame shown (50 / 25 = 2.000 s).
    assert.equal(await page.getByTestId('current-time').textContent(), '0:00:02.000');

    // Enter in the frame field hands the keyboard back to the player (arrows step frames again).
    await page.keyboard.press('End');
    await page.getByTestId('frame-number').filter({ hasText: /^99$/ }).waitFor();
    assert.equal(await elementFrame(), 99);
    await page.keyboard.press('ArrowRight');
    assert.equal(await frameShown(), 99, 'no frame after the last');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await page.getByTestId('frame-number').filter({ hasText: /^97$/ }).waitFor();
    assert.equal(await elementFrame(), 97);
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowRight');
    await page.getByTestId('frame-number').filter({ hasText: /^1$/ }).waitFor();
    assert.equal(await elementFrame(), 1);
    await page.keyboard.press('Shift+ArrowRight');
    await page.getByTestId('frame-number').filter({ hasText: /^26$/ }).waitFor();
    assert.equal(await page.getByTestId('current-time').textContent(), '0:00:01.040');
    await page.getByTestId('step-back').click();
    await page.getByTestId('frame-number').filter({ hasText: /^25$/ }).waitFor();
    await page.getByTestId('goto-frame').fill('50');
    await page.getByTestId('goto-frame').press('Enter');
    await page.getByTestId('frame-number').filter({ hasText: /^50$/ }).waitFor();
    await page.waitForFunction(() => (document.querySelector('[data-testid=video-element]') as HTMLVideoElement).readyState >= 2, null, {
      timeout: 60_000,
    });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'video-view.png') });
  });

  await t.test('exact NTSC frame rate (30000/1001): frame numbers and times come from the fraction', async () => {
    const url = page.url();
    await page.getByTestId('import-button').click();
    await importByPath(page, ntsc);
    await page.locator('[data-testid=import-result][data-phase=imported]', { hasText: path.basename(ntsc) }).waitFor();
    await page.keyboard.press('Escape');
    await page.goto(`${server.origin}/#/`);
    await card(page, path.basename(ntsc)).click();
    await page
      .getByTestId('video-title')
      .filter({ hasText: path.basename(ntsc) })
      .waitFor();
    await page.getByTestId('meta-fps').filter({ hasText: '30000/1001' }).waitFor();
    await page.getByTestId('meta-frames').filter({ hasText: /^300$/ }).waitFor();
    const elementFrame = async () => {
      await page.waitForFunction(() => {
        const v = document.querySelector('[data-testid=video-element]') as HTMLVideoElement;
        return v.readyState >= 1 && !v.seeking;
      });
      return page.getByTestId('video-element').evaluate((v: HTMLVideoElement) => Math.floor((v.currentTime * 30000) / 1001 + 1e-6));
    };
    await page.getByTestId('goto-frame').fill('150');
    await page.getByTestId('goto-frame').press('Enter');
    await page.getByTestId('frame-number').filter({ hasText: /^150$/ }).waitFor();
    assert.equal(await elementFrame(), 150);
    // Frame 150 starts at 150 · 1001 / 30000 = 5.005 s
    assert.equal(await page.getByTestId('current-time').textContent(), '0:00:05.005');
    await page.keyboard.press('End');
    await page.getByTestId('frame-number').filter({ hasText: /^299$/ }).waitFor();
    assert.equal(await elementFrame(), 299);
    await page.keyboard.press('ArrowLeft');
    await page.getByTestId('frame-number').filter({ hasText: /^298$/ }).waitFor();
    assert.equal(await elementFrame(), 298);
    await page.goto(url);
  });

  await t.test('reload: the same library, failures, jobs and screen come back from the core', async () => {
    const url = page.url();
    assert.match(url, /#\/video\/\d+$/);
    await page.reload();
    await page.getByTestId('video-view').waitFor();
    assert.equal(await page.getByTestId('video-title').textContent(), path.basename(dropA));
    await page.goto(`${server.origin}/#/`);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=video-card]').length === 5);
    assert.equal(await page.getByTestId('library-count').textContent(), '5 videos');
    await page.locator('[data-testid=failed-import]', { hasText: 'corrupt-scan.mp4' }).waitFor();
    await page.getByTestId('jobs-button').click();
    await page.locator('[data-testid=jobs-panel] [data-job-kind=verify-decode][data-job-state=succeeded]').waitFor();
    await page.locator('[data-testid=jobs-panel] [data-job-kind=verify-decode][data-job-state=cancelled]').waitFor();
    await page.getByTestId('jobs-button').click();
    // Search and filter work on the reloaded library.
    await page.getByTestId('library-search').fill('h264-aac');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=video-card]').length === 2);
    assert.equal(await page.getByTestId('library-count').textContent(), '2 of 5 videos');
    await page.getByTestId('library-search').fill('');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=video-card]').length === 5);
    // List view, sorted by name from its column header (again: reversed).
    await page.getByRole('button', { name: 'List view' }).click();
    await page.getByRole('button', { name: 'Sort by Name' }).click();
    const names = () => page.locator('[data-testid=video-row] [data-testid=video-name]').allTextContents();
    const all = [dropA, dropB, byPath, long, ntsc].map((f) => path.basename(f));
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=video-row]').length === n, all.length);
    assert.deepEqual(await names(), [...all].sort());
    await page.getByRole('button', { name: 'Sort by Name' }).click();
    await page.waitForFunction(
      (first) => document.querySelector('[data-testid=video-row] [data-testid=video-name]')?.textContent === first,
      [...all].sort().reverse()[0],
    );
    assert.deepEqual(await names(), [...all].sort().reverse());
    await page.getByRole('button', { name: 'Grid view' }).click();
    await page.waitForFunction(() =>
      Array.from(document.querySelectorAll<HTMLImageElement>('[data-testid=video-card] img.thumb')).every(
        (i) => i.complete && i.naturalWidth > 0,
      ),
    );
    await page.screenshot({ path: path.join(SCREENSHOTS, 'library.png') });
    // The dark theme follows the OS setting.
    await page.emulateMedia({ colorScheme: 'dark' });
    // The theme follows the OS through a media-query listener: wait for it, then for the colour transitions.
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
    await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))));
    const darkBg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'library-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'light');
    await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))));
    const lightBg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.notEqual(darkBg, lightBg);
    assert.deepEqual(pageErrors, []);
  });

  await t.test('the real server refuses a missing token, a wrong token, a foreign Origin and a foreign Host', async () => {
    const port = server.port;
    const cookie = `fw_token_${port}=${server.token}`;
    assert.equal((await rawRequest({ port, path: '/' })).status, 401);
    assert.equal((await rawRequest({ port, path: '/?token=wrong' })).status, 401);
    assert.equal((await rawRequest({ port, path: '/', headers: { cookie: `fw_token_${port}=wrong` } })).status, 401);
    assert.equal((await rawRequest({ port, path: '/', headers: { cookie, origin: 'http://attacker.example' } })).status, 403);
    assert.equal((await rawRequest({ port, path: '/', headers: { cookie, host: 'attacker.example' } })).status, 403);
    assert.equal(
      (await rawRequest({ port, path: '/media/video/1', headers: { cookie, host: `rebind.attacker.example:${port}` } })).status,
      403,
    );
    assert.equal((await rawRequest({ port, path: '/', headers: { cookie } })).status, 200);
    const ws = `ws://127.0.0.1:${port}/ws`;
    assert.deepEqual(await tryWebSocket(ws, {}, server.origin), { open: false, status: 401 });
    assert.deepEqual(await tryWebSocket(ws, { cookie: `fw_token_${port}=wrong` }, server.origin), { open: false, status: 401 });
    assert.deepEqual(await tryWebSocket(ws, { cookie }, 'http://attacker.example'), { open: false, status: 403 });
    assert.deepEqual(await tryWebSocket(ws, { cookie, host: 'attacker.example' }, server.origin), { open: false, status: 403 });
    // A page on another origin cannot read the library, even from a real browser.
    const other = await browser.newPage();
    await other.goto('about:blank');
    const leaked = await other.evaluate(async (origin) => {
      try {
        const r = await fetch(`${origin}/media/video/1`, { credentials: 'include' });
        return r.status;
      } catch {
        return 'blocked';
      }
    }, server.origin);
    assert.ok(leaked === 'blocked' || leaked === 401 || leaked === 403, String(leaked));
    await other.close();
  });

  await t.test('a restarted server (new token) is refused to the old page, which says so; the new URL shows the same library', async () => {
    await page.goto(`${server.origin}/#/`);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=video-card]').length === 5);
    await server.stop();
    const again = await startServe(lib.dir, ['--port', String(server.port)]);
    defer(() => again.stop());
    assert.equal(again.port, server.port);
    assert.notEqual(again.token, server.token);
    await page.getByTestId('connection-banner').filter({ hasText: 'no longer authorized' }).waitFor();
    await page.goto(again.url);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=video-card]').length === 5);
    assert.equal(await page.getByTestId('connection-banner').count(), 0);
    assert.deepEqual(pageErrors, []);
  });
});
