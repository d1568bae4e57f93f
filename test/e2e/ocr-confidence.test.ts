import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { serveCore } from '../../core/bridge/serve.js';
import type { Bridge } from '../../core/bridge/server.js';
import { Core } from '../../core/core.js';
import { REPO_ROOT } from '../helpers/fixtures.js';
import { importAndWait, tempDir } from '../helpers/library.js';
import { overlayMedia } from '../ocr/overlay-media.js';
import { launchChromium } from '../helpers/browser.js';

/** The confidence levels in the real UI: a field OCR is unsure of is shown as "check", a clear one as "sure". */
describe('OCR confidence levels in the patient panel', () => {
  const scratch = tempDir('framewise-ui-confidence-');
  let core: Core;
  let bridge: Bridge;
  let browser: Browser;
  let page: Page;
  before(async () => {
    core = await Core.open({ dataDir: scratch.dir, runJobs: true, concurrency: 1 });
    bridge = await serveCore(core, { rendererDir: path.join(REPO_ROOT, 'dist', 'renderer') });
    // Two unlabelled dates without a time: which one is the birth date is a guess (plausibility only).
    const file = await overlayMedia('ui-confidence', {
      duration: 2,
      endoscope: { shape: 'circle', x: 40, y: 80, size: 560 },
      lines: [
        { text: 'Yılmaz, Ayşe', x: 800, y: 30 },
        { text: '14.02.1979', x: 800, y: 80 },
        { text: '03.11.2023', x: 800, y: 130 },
      ],
    });
    const [imp] = await importAndWait(core, [file]);
    const videoId = (imp!.output as { videoId: number }).videoId;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(bridge.url);
    await page.evaluate((id) => (window.location.hash = `#/video/${id}`), videoId);
  });
  after(async () => {
    await browser?.close();
    await bridge?.close();
    await core?.close();
    scratch.cleanup();
  });

  test('a flagged field shows "check", a clear name "sure"', async () => {
    await page.getByTestId('patient-panel').waitFor();
    await page.getByTestId('patient-read').click();
    await page.waitForFunction(
      () => (document.querySelector('[data-testid="patient-input-first_name"]') as HTMLInputElement | null)?.value === 'Ayşe',
      null,
      { timeout: 120_000 },
    );
    assert.equal(await page.getByTestId('patient-input-last_name').inputValue(), 'Yılmaz');
    assert.equal(await page.getByTestId('patient-input-dob').inputValue(), '1979-02-14');
    const dob = page.getByTestId('patient-confidence-dob');
    assert.equal(await dob.getAttribute('data-level'), 'check');
    assert.match((await dob.textContent()) ?? '', /^check · \d+ %$/);
    const first = page.getByTestId('patient-confidence-first_name');
    assert.equal(await first.getAttribute('data-level'), 'sure');
    assert.match((await first.getAttribute('title')) ?? '', /OCR confidence \d+ %/);
  });
});
