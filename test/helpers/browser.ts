import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

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
