import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startBridge } from '../../core/bridge/server.js';
import { defaultRendererDir } from '../../core/bridge/serve.js';
import { importAndWait, openTempCore } from '../helpers/library.js';
import { media } from '../helpers/media.js';
import { openBrowserPage } from '../helpers/browser.js';

const COUNT = 400;
const nameOf = (id: number) => `case-${String(id).padStart(5, '0')}.mp4`;

/** What each card on screen shows, and whether it is the DOM element marked before the jump. */
function shownCards(page: Page) {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLAnchorElement>('[data-testid=video-card]')).map((card) => ({
      id: Number(card.dataset.videoId),
      href: card.getAttribute('href'),
      name: card.querySelector('[data-testid=video-name]')?.textContent,
      selected: card.dataset.selected === 'true',
      checked: card.parentElement?.querySelector<HTMLInputElement>('[data-testid=video-select]')?.checked,
      thumb: card.querySelector('img')?.getAttribute('src'),
      marked: (card as unknown as { __beforeJump?: boolean }).__beforeJump === true,
    })),
  );
}

/** Scroll the grid to `fraction` of its height and wait until the cards there are drawn (overscan included). */
async function jump(page: Page, fraction: number): Promise<void> {
  const id = await page.evaluate((f) => {
    const grid = document.querySelector('[data-testid=video-grid]') as HTMLElement;
    grid.scrollTop = grid.scrollHeight * f;
    return Math.round(400 * (1 - f)); // newest first: the middle shows ids around here
  }, fraction);
  await page.waitForFunction((near) => {
    const ids = Array.from(document.querySelectorAll<HTMLElement>('[data-testid=video-card]')).map((c) => Number(c.dataset.videoId));
    return ids.some((i) => Math.abs(i - near) < 10) && ids.length >= 40;
  }, id);
  await page.waitForTimeout(200); // the deferred overscan rows
  await thumbnailsShown(page);
}

/** Every card has its thumbnail element (the landing place's are asked for once its frame is on screen). */
function thumbnailsShown(page: Page) {
  return page.waitForFunction(() =>
    Array.from(document.querySelectorAll('[data-testid=video-card]')).every((card) => card.querySelector('img.thumb')),
  );
}

test(
  "library grid: a far jump reuses the cards' DOM, each card shows its own video, focus and selection stay with their video",
  { timeout: 120_000 },
  async (t) => {
    const lib = await openTempCore();
    t.after(() => lib.close());
    const [job] = await importAndWait(lib.core, [await media.mp4(2)]);
    assert.equal(job?.state, 'succeeded');
    for (const j of await lib.core.call('jobs.list', { states: ['queued', 'running'] })) await lib.core.services.jobs.waitFor(j.id, 60_000);
    // Clone the imported video into COUNT videos with their own names and thumbnail rows (as the library bench does).
    const raw = lib.core.services.db.raw;
    const sealed = lib.core.services.db.sealed;
    const cols = (raw.prepare('PRAGMA table_info(videos)').all() as Array<{ name: string }>).map((c) => c.name).filter((c) => c !== 'id');
    const varying = ['sha256', 'name'];
    const insert = raw.prepare(
      `INSERT INTO videos (${cols.join(',')}) SELECT ${cols.map((c) => (varying.includes(c) ? '?' : c)).join(',')} FROM videos WHERE id = 1`,
    );
    const thumb = raw.prepare(
      `INSERT INTO artifacts (video_id, kind, path, meta_json, created_at) SELECT ?, kind, path, meta_json, created_at FROM artifacts WHERE video_id = 1 AND kind = 'thumbnail'`,
    );
    raw.transaction(() => {
      for (let i = 2; i <= COUNT; i++) {
        const args = cols
          .filter((c) => varying.includes(c))
          .map((c) => (c === 'sha256' ? `jump${String(i).padStart(60, '0')}` : sealed.seal('videos.name', nameOf(i))));
        const info = insert.run(...args);
        assert.equal(Number(info.lastInsertRowid), i);
        thumb.run(i);
      }
    })();
    const listed = await lib.core.call('videos.list', { limit: COUNT });
    const thumbOf = new Map(listed.videos.map((v) => [v.id, v.thumbnailArtifactId]));
    assert.equal(thumbOf.size, COUNT);

    const bridge = await startBridge({ core: lib.core, rendererDir: defaultRendererDir() });
    t.after(() => bridge.close());
    const { page, pageErrors } = await openBrowserPage(t, { width: 1440, height: 900 }, 30_000);
    await page.goto(bridge.url);
    await page.waitForFunction(() => document.querySelector('[data-testid=library-count]')?.textContent?.replace(/\D/g, '') === '400');
    await page.waitForTimeout(200);
    await thumbnailsShown(page);

    const checkCards = async () => {
      const cards = await shownCards(page);
      for (const c of cards) {
        assert.equal(c.href, `#/video/${c.id}`);
        if (c.id > 1) assert.equal(c.name, nameOf(c.id), `card ${c.id} shows its own name`);
        assert.equal(c.thumb, `/media/artifact/${thumbOf.get(c.id)}`, `card ${c.id} shows its own thumbnail`);
      }
      return cards;
    };

    // Focus the first card (the newest video), mark every card's element, then jump to the middle.
    const top = await checkCards();
    const focusedId = top[0]!.id;
    await page.locator(`[data-testid=video-card][data-video-id="${focusedId}"]`).focus();
    await page.evaluate(() => {
      for (const c of document.querySelectorAll('[data-testid=video-card]'))
        (c as unknown as { __beforeJump: boolean }).__beforeJump = true;
    });
    await jump(page, 0.5);
    const middle = await checkCards();
    assert.ok(!middle.some((c) => c.id === focusedId), 'the focused video left the window');
    assert.ok(middle.filter((c) => c.marked).length >= 20, 'the cards on screen reuse the elements drawn before the jump');
    // The focused card's element may now show another video: focus must not have stayed on it.
    const focusOn = await page.evaluate(
      () => (document.activeElement?.closest('[data-video-id]') as HTMLElement | null)?.dataset.videoId ?? null,
    );
    assert.equal(focusOn, null, 'focus left with its video');
    // Space then acts on no video (it would have selected the recycled card's video).
    await page.keyboard.press('Space');
    await page.waitForTimeout(300);
    assert.equal(await page.getByTestId('selection-bar').count(), 0, 'nothing selected by Space after the jump');

    // Select one video in the middle; jump away and back: only that video shows selected, wherever its card lands.
    const picked = middle[7]!.id;
    await page.locator(`[data-testid=video-card][data-video-id="${picked}"]`).click({ modifiers: ['Control'] });
    await page.getByTestId('selection-count').filter({ hasText: '1 selected' }).waitFor();
    await jump(page, 0.1);
    const away = await checkCards();
    assert.deepEqual(
      away.filter((c) => c.selected || c.checked).map((c) => c.id),
      [],
      'no recycled card shows the selection',
    );
    await jump(page, 0.5);
    const back = await checkCards();
    assert.deepEqual(
      back.filter((c) => c.selected).map((c) => c.id),
      [picked],
    );
    assert.deepEqual(
      back.filter((c) => c.checked).map((c) => c.id),
      [picked],
    );

    // A far jump draws the rows on screen first; the overscan rows around them follow only once that frame is on
    // screen (two animation frames later), not in between, where they would compete with its paint and raster.
    // So do the thumbnails of the cards it lands on: none is asked for before that frame (their requests, answers
    // and decodes made the jump's frames wait when the bridge answered quickly).
    await page.evaluate(() => performance.clearResourceTimings());
    const landing = await page.evaluate(
      () =>
        new Promise<{ onScreen: number; overscan: number; secondFrameAt: number }>((resolve) => {
          const grid = document.querySelector('[data-testid=video-grid]') as HTMLElement;
          const count = () => {
            const view = grid.getBoundingClientRect();
            let onScreen = 0;
            let overscan = 0;
            for (const card of document.querySelectorAll('[data-testid=video-card]')) {
              const r = card.getBoundingClientRect();
              if (r.bottom > view.top && r.top < view.bottom) onScreen++;
              // Beyond the row at each edge (the virtualizer counts a row a few pixels off screen as visible).
              else if ((r.top > view.bottom + 50 && r.top < view.bottom + 1200) || (r.bottom < view.top - 50 && r.bottom > view.top - 1200))
                overscan++;
            }
            return { onScreen, overscan };
          };
          grid.scrollTop = grid.scrollHeight * 0.85;
          requestAnimationFrame(() => requestAnimationFrame(() => resolve({ ...count(), secondFrameAt: performance.now() })));
        }),
    );
    assert.ok(landing.onScreen >= 10, `the rows on screen are drawn at once (${landing.onScreen} cards)`);
    assert.equal(landing.overscan, 0, 'no overscan row is drawn before the landing frame is on screen');
    // The thumbnails follow: every card on screen shows its decoded picture, none was requested before the 2nd frame.
    await page.waitForFunction(() => {
      const grid = document.querySelector('[data-testid=video-grid]') as HTMLElement;
      const view = grid.getBoundingClientRect();
      const onScreen = Array.from(document.querySelectorAll('[data-testid=video-card]')).filter((card) => {
        const r = card.getBoundingClientRect();
        return r.bottom > view.top && r.top < view.bottom;
      });
      return onScreen.every((card) => (card.querySelector('img.thumb') as HTMLImageElement | null)?.naturalWidth === 320);
    });
    const thumbRequests = await page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .filter((e) => e.name.includes('/media/artifact/'))
        .map((e) => e.startTime),
    );
    assert.ok(thumbRequests.length >= 10, `the landing place's thumbnails were loaded (${thumbRequests.length})`);
    assert.deepEqual(
      thumbRequests.filter((at) => at < landing.secondFrameAt),
      [],
      'no thumbnail is requested before the landing frame is on screen',
    );
    await page.waitForFunction(() => {
      const grid = document.querySelector('[data-testid=video-grid]') as HTMLElement;
      const view = grid.getBoundingClientRect();
      return Array.from(document.querySelectorAll('[data-testid=video-card]')).some((card) => {
        const r = card.getBoundingClientRect();
        return r.top > view.bottom + 50 && r.top < view.bottom + 1200;
      });
    });
    await thumbnailsShown(page);
    await checkCards();

    // While scrolling, the rows drawn ahead (the overscan, after their frame) ask for their thumbnails at once: they
    // are off screen, nothing waits for them, and the pictures are there when the row comes into view.
    const ahead = await page.evaluate(
      () =>
        new Promise<{ withPicture: number; without: number }>((resolve) => {
          const grid = document.querySelector('[data-testid=video-grid]') as HTMLElement;
          const view = grid.getBoundingClientRect();
          const counts = { withPicture: 0, without: 0 };
          const note = (card: Element) => {
            const r = card.getBoundingClientRect();
            if (r.bottom > view.top && r.top < view.bottom) return; // drawn on screen: may wait for its frame
            if (card.querySelector('img.thumb')) counts.withPicture++;
            else counts.without++;
          };
          const observer = new MutationObserver((records) => {
            for (const r of records) {
              if (r.type === 'attributes' && r.target instanceof Element) note(r.target);
              for (const n of r.addedNodes) if (n instanceof Element) n.querySelectorAll('[data-testid=video-card]').forEach(note);
            }
          });
          observer.observe(grid, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-video-id'] });
          let frames = 0;
          const step = () => {
            grid.scrollTop -= 48;
            if (++frames < 90) requestAnimationFrame(step);
            else {
              observer.disconnect();
              resolve(counts);
            }
          };
          requestAnimationFrame(step);
        }),
    );
    assert.ok(ahead.withPicture >= 10, `rows were drawn ahead while scrolling (${JSON.stringify(ahead)})`);
    assert.equal(ahead.without, 0, 'every card drawn ahead while scrolling has its thumbnail at once');
    assert.deepEqual(pageErrors, []);
  },
);
