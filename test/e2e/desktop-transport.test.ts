import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { tempDir } from '../helpers/library.js';
import { deferCleanups } from '../helpers/cleanups.js';
import { media } from '../helpers/media.js';
import { startServe } from '../helpers/serve.js';
import { rawRequest } from '../helpers/http.js';
import { openBrowserPage } from '../helpers/browser.js';
import { installDesktopApi } from '../helpers/desktop-stub.js';

/**
 * The renderer's desktop path (transport/ipc.ts) in real Chromium. Electron cannot run here, so the page gets a
 * `window.framewise` with exactly the preload's contract (call/subscribe/mediaUrl/pathForFile; errors as
 * Error(JSON {code, message})) carried over the bridge's WebSocket to a real core. Checks that the app picks the
 * IPC transport, imports dropped files by their paths (no upload), and shows core errors by their message.
 */
test('desktop transport: window.framewise is used, drops import by path, errors keep their message', { timeout: 300_000 }, async (t) => {
  const defer = deferCleanups(t);
  const lib = tempDir('framewise-e2e-desktop-');
  defer(() => lib.cleanup());
  const file = await media.mp4(2);
  const server = await startServe(lib.dir);
  defer(() => server.stop());
  const { page, pageErrors } = await openBrowserPage(t, { width: 1280, height: 800 }, 90_000);
  await installDesktopApi(page, { realPath: file });

  await page.goto(server.url);
  await page.getByText('Your library is empty').waitFor();
  // Drop the file: the desktop path imports it where it is (no upload).
  const bytes = (await readFile(file)).toString('base64');
  await page.evaluate(
    ({ name, b64 }) => {
      const bin = atob(b64);
      const arr = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) arr[i] = bin.charCodeAt(i);
      const dt = new DataTransfer();
      dt.items.add(new File([arr], name, { type: 'video/mp4' }));
      document.body.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true, cancelable: true }));
      document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    },
    { name: path.basename(file), b64: bytes },
  );
  await page.locator('[data-testid=import-result][data-phase=imported]', { hasText: path.basename(file) }).waitFor();
  const calls = await page.evaluate(() => (window as unknown as { __calls: string[] }).__calls);
  assert.ok(calls.includes('videos.import'), JSON.stringify(calls));
  await page.keyboard.press('Escape');
  const card = page.locator('[data-testid=video-card]');
  await card.waitFor();
  const id = Number(await card.getAttribute('data-video-id'));
  // The thumbnail comes through the media URL the desktop API handed out.
  const cookie = `fw_token_${server.port}=${server.token}`;
  const head = await rawRequest({ port: server.port, path: `/media/video/${id}`, method: 'HEAD', headers: { cookie } });
  assert.equal(head.status, 200);
  // Imported in place: the library references the original file, nothing was uploaded.
  await card.click();
  await page.getByTestId('meta-path').filter({ hasText: file }).waitFor();
  // A core error crosses the IPC transport with its code: the UI words it from the code (not_found).
  await page.goto(`${server.origin}/#/video/999`);
  const title = page.locator('.empty-state h2');
  await title.waitFor();
  assert.equal(await title.textContent(), 'The video could not be loaded: It was not found.');
  assert.deepEqual(pageErrors, []);
});
