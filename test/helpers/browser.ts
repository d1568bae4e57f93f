import { existsSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium (or $FRAMEWISE_CHROMIUM). */
export function chromiumPath(): string {
  const p =
    process.env.FRAMEWISE_CHROMIUM ??
    ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((c) => existsSync(c));
  if (!p) throw new Error('No Chromium found: apt-get install -y chromium, or set FRAMEWISE_CHROMIUM');
  return p;
}

/** Headless, sandbox off (root in CI), with nothing reaching for the network. */

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A fresh headless Chromium with one page of `viewport`, closed after the test, collecting the page's uncaught
 * errors (each e2e test asserts there are none). `timeoutMs` becomes the page's default wait.
 */
export async function openBrowserPage(
  t: TestContext,
  viewport: { width: number; height: number },
  timeoutMs?: number,
): Promise<{ page: Page; pageErrors: string[] }> {
  const browser = await launchChromium();
  t.after(() => browser.close());
  const page = await browser.newPage({ viewport });
  if (timeoutMs !== undefined) page.setDefaultTimeout(timeoutMs);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  return { page, pageErrors };
}
