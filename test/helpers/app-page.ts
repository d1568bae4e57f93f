import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './browser.js';
import { REPO_ROOT } from './fixtures.js';
import { tempDir } from './library.js';
import { deferCleanups } from './cleanups.js';
import { startServe, type ServeProcess } from './serve.js';

export const SCREENSHOTS = path.join(REPO_ROOT, 'test-output', 'screenshots');

export interface AppSession {
  server: ServeProcess;
  browser: Browser;
  libraryDir: string;
  /** A new page (own browser context) at the app, with the given system language and window size. */
  open: (opts?: { locale?: string; width?: number; height?: number; colorScheme?: 'light' | 'dark' }) => Promise<AppPage>;
}

export interface AppPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors of the page (a test asserts this stays empty). */
  errors: string[];
}

/** The real `framewise serve` on a fresh library and Debian's Chromium, both stopped after the test. */
export async function startAppSession(t: TestContext, serveArgs: string[] = []): Promise<AppSession> {
  if (!existsSync(path.join(REPO_ROOT, 'dist', 'renderer', 'index.html'))) {
    throw new Error('dist/renderer is not built: run `npm run build` (npm test does) before the e2e tests');
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  const defer = deferCleanups(t);
  const lib = tempDir('framewise-e2e-');
  defer(() => lib.cleanup());
  const server = await startServe(lib.dir, serveArgs);
  defer(() => server.stop());
  const browser = await launchChromium();
  defer(() => browser.close());
  return {
    server,
    browser,
    libraryDir: lib.dir,
    open: async ({ locale = 'en-US', width = 1440, height = 900, colorScheme = 'light' } = {}) => {
      const context = await browser.newContext({ locale, viewport: { width, height }, colorScheme });
      const page = await context.newPage();
      page.setDefaultTimeout(60_000);
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(server.url);
      return { context, page, errors };
    },
  };
}

/** Elements of the main regions whose content is wider than they are (horizontal overflow), described. */
export async function horizontalOverflow(page: Page, selectors: string[]): Promise<string[]> {
  return page.evaluate((sels) => {
    const out: string[] = [];
    if (document.documentElement.scrollWidth > window.innerWidth + 1)
      out.push(`page ${document.documentElement.scrollWidth} > ${window.innerWidth}`);
    for (const sel of sels)
      for (const el of Array.from(document.querySelectorAll<HTMLElement>(sel))) {
        const overflowX = getComputedStyle(el).overflowX;
        if (overflowX === 'auto' || overflowX === 'scroll') continue; // scrolling on purpose
        if (el.scrollWidth > el.clientWidth + 1) out.push(`${sel} ${el.scrollWidth} > ${el.clientWidth}`);
      }
    return out;
  }, selectors);
}

/** Text elements cut off by their box (ellipsis or hidden overflow) — clipped words in a translation. */
export async function clippedText(page: Page, root = 'body'): Promise<string[]> {
  return page.evaluate((r) => {
    const out: string[] = [];
    for (const el of Array.from(document.querySelectorAll<HTMLElement>(`${r} *`))) {
      if (!el.offsetParent || el.closest('[data-allow-clip]') || el.clientWidth <= 2) continue; // (screen-reader-only text is 1 px)
      const cs = getComputedStyle(el);
      const hasOwnText = Array.from(el.childNodes).some((n) => n.nodeType === 3 && (n.textContent ?? '').trim());
      if (!hasOwnText) continue;
      const clipsX = cs.overflowX === 'hidden' || cs.overflowX === 'clip' || cs.textOverflow === 'ellipsis';
      if (clipsX && el.scrollWidth > el.clientWidth + 1) out.push(`${el.tagName.toLowerCase()}: "${el.textContent?.trim().slice(0, 60)}"`);
    }
    return out;
  }, root);
}
