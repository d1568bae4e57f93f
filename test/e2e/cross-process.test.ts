import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { openBrowserPage } from '../helpers/browser.js';
import { runCli } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/fixtures.js';
import { importAndWait, tempDir } from '../helpers/library.js';
import { deferCleanups } from '../helpers/cleanups.js';
import { libraryCore, withLibraryCore } from '../helpers/library-core.js';
import { media } from '../helpers/media.js';
import { startServe } from '../helpers/serve.js';

declare global {
  interface Window {
    __fwTimeline?: {
      frameToClientX(frame: number): number;
      laneCenterY(label: string): number;
      view(): { start: number; pps: number; width: number };
      setView(start: number, pps: number): void;
    };
  }
}

const progress = (page: Page) =>
  page.evaluate(() => {
    const el = document.querySelector('[data-testid=tl-progress]');
    return { total: Number(el?.getAttribute('data-total')), validated: Number(el?.getAttribute('data-validated')) };
  });

/** Milliseconds until the open page's timeline shows `want` (checked every animation frame). */
async function msUntil(page: Page, want: { total: number; validated: number }): Promise<number> {
  const start = Date.now();
  await page.waitForFunction(
    (w) => {
      const el = document.querySelector('[data-testid=tl-progress]');
      return el?.getAttribute('data-total') === String(w.total) && el?.getAttribute('data-validated') === String(w.validated);
    },
    want,
    { timeout: 30_000, polling: 'raf' },
  );
  return Date.now() - start;
}

// Both scenarios run on one library, one `framewise serve` and one page (a server, a Chromium and an import each
// cost seconds of CPU): first the segment edits, then a job run by another process on a second video.
test('another process’s work on a page open on `framewise serve`', { timeout: 900_000 }, async (t) => {
  if (!existsSync(path.join(REPO_ROOT, 'dist', 'renderer', 'index.html')))
    throw new Error('dist/renderer is not built: run `npm run build` first');
  const defer = deferCleanups(t);
  const lib = tempDir('framewise-e2e-xproc-');
  defer(() => lib.cleanup());
  const cli = async (...args: string[]) => {
    const r = await runCli(['--data-dir', lib.dir, ...args, '--json']);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as unknown;
  };
  // The library is set up in this process before `framewise serve` opens it (no CLI start-up); the CLI runs below
  // are the other process whose edits the page must see.
  const V = await withLibraryCore(lib.dir, async (core) => {
    const [job] = await importAndWait(core, [await media.mp4(8, 'review-8s.mp4')]);
    const video = String((job!.output as { videoId: number }).videoId);
    await core.call('segments.add', { video, label: 'tool', startFrame: 25, endFrame: 50 });
    return video;
  });
  const core = libraryCore(t, lib.dir);

  const server = await startServe(lib.dir, ['--concurrency', '1']);
  defer(() => server.stop());
  const { page, pageErrors } = await openBrowserPage(t, { width: 1400, height: 1000 }, 60_000);
  // The bridge traffic: which commands the page sends, when `segments.changed` events reach it.
  const sent: Array<{ at: number; method: string }> = [];
  const changedAt: number[] = [];
  page.on('websocket', (ws) => {
    ws.on('framesent', (f) => {
      const m = typeof f.payload === 'string' ? /"method":"([^"]+)"/.exec(f.payload) : null;
      if (m) sent.push({ at: Date.now(), method: m[1]! });
    });
    ws.on('framereceived', (f) => {
      if (typeof f.payload === 'string' && f.payload.includes('"segments.changed"')) changedAt.push(Date.now());
    });
  });
  const stateCalls = (since: number) => sent.filter((c) => c.method === 'review.state' && c.at >= since).length;
  const until = async (what: string, ok: () => boolean) => {
    const start = Date.now();
    while (!ok()) {
      if (Date.now() - start > 30_000)
        throw new Error(
          `timed out waiting for ${what} (last commands sent: ${sent
            .slice(-8)
            .map((c) => c.method)
            .join(', ')})`,
        );
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  await t.test('segment edits made with the CLI reach a page open on `framewise serve` within a second', async (t) => {
    await page.goto(server.url);
    await page.evaluate((id) => (window.location.hash = `#/video/${id}`), V);
    await page.getByTestId('timeline-canvas').waitFor();
    await page.waitForFunction(() => !!window.__fwTimeline);
    assert.deepEqual(await progress(page), { total: 1, validated: 0 });

    // Each edit by another process shows on the page within a second of that process finishing it.
    const latencies: number[] = [];
    await cli('segments', V, '--add', 'blood:100f-150f');
    latencies.push(await msUntil(page, { total: 2, validated: 0 }));
    await cli('segments', V, '--validate', 'all');
    latencies.push(await msUntil(page, { total: 2, validated: 2 }));
    const segs = await (await core()).call('segments.list', { video: V });
    const tool = segs.find((s) => s.label === 'tool')!;
    await cli('segments', V, '--remove', String(tool.id));
    latencies.push(await msUntil(page, { total: 1, validated: 1 }));
    t.diagnostic(`page updated after ${latencies.join(', ')} ms`);
    for (const ms of latencies) assert.ok(ms <= 1000, `the page updated ${ms} ms after the CLI edit (latencies: ${latencies.join(', ')})`);

    // The page works on the current picture: its own edit of the segment the CLI changed is not a conflict.
    const blood = (await (await core()).call('segments.list', { video: V })).find((s) => s.label === 'blood')!;
    const movedAt = Date.now();
    await cli('segments', V, '--set', `${blood.id}:110f-150f`);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=history-entry]').length >= 5);
    await until('the re-read after the CLI’s move', () => stateCalls(movedAt) >= 1);
    await page.evaluate(() => window.__fwTimeline!.setView(0, 80));
    await page.getByTestId('timeline').evaluate((el) => el.scrollIntoView({ block: 'end' }));
    const x = await page.evaluate(() => window.__fwTimeline!.frameToClientX(130));
    const y = await page.evaluate(() => window.__fwTimeline!.laneCenterY('blood'));
    await page.mouse.click(x, y);
    const deletedAt = Date.now();
    await page.keyboard.press('Delete');
    await msUntil(page, { total: 0, validated: 0 }).catch(async (err) => {
      await page.screenshot({ path: '/tmp/xproc-fail.png' });
      console.log(await progress(page), await page.getByTestId('notice').allTextContents());
      throw err;
    });
    assert.equal(await page.getByTestId('notice').filter({ hasText: 'Not saved' }).count(), 0, 'no conflict');
    assert.deepEqual(await (await core()).call('segments.list', { video: V }), [], 'the page deleted the segment the CLI had moved');

    // The page's own edit comes back as an event too: it is ignored (the answer carried everything), while
    // another process's edit makes the page re-read the review state (undo state, progress) once.
    await until('the echo of the page’s own edit', () => changedAt.some((at) => at >= deletedAt));
    const cliAt = Date.now();
    await cli('segments', V, '--add', 'smoke:10f-20f');
    await msUntil(page, { total: 1, validated: 0 });
    const cliEventAt = changedAt.find((at) => at >= cliAt)!;
    await until('the re-read after the other process’s edit', () => stateCalls(cliEventAt) >= 1);
    assert.equal(stateCalls(deletedAt), 1, 'one re-read: for the other process’s edit, none for the echo of the page’s own');
    assert.deepEqual(pageErrors, []);
  });

  await t.test(
    'a job run by another process shows live on the page, and stops showing as running when that process is killed',
    async (t) => {
      const imported = await runCli(['--data-dir', lib.dir, 'import', await media.long1080(60), '--json']);
      assert.equal(imported.code, 0, imported.stderr);
      const videoId = (JSON.parse(imported.stdout) as { results: Array<{ videoId: number }> }).results[0]!.videoId;
      await page.evaluate(() => (window.location.hash = '#/'));
      await page.getByTestId('jobs-button').click();
      await page.getByTestId('jobs-panel').waitFor();

      // Another process (a one-shot command) runs a long job.
      const host = spawn(
        process.execPath,
        [path.join(REPO_ROOT, 'dist', 'test', 'helpers', 'job-host.js'), lib.dir, 'verify-decode', JSON.stringify({ videoId })],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
          detached: true,
        },
      );
      t.after(() => {
        // The test kills the group itself; here only what is left (a group already gone is fine).
        if (host.exitCode !== null || host.signalCode !== null) return;
        try {
          process.kill(-host.pid!, 'SIGKILL');
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
        }
      });
      let out = '';
      host.stdout.on('data', (d) => (out += d));
      const started = Date.now();
      for (;;) {
        const m = /RUNNING (\d+)/.exec(out);
        if (m) break;
        if (Date.now() - started > 120_000) throw new Error('the other process did not start its job');
        await new Promise((r) => setTimeout(r, 50));
      }
      const jobId = Number(/RUNNING (\d+)/.exec(out)![1]);
      const row = `[data-testid=jobs-panel] [data-job-id="${jobId}"]`;
      await page.locator(`${row}[data-job-state=running]`).waitFor();
      // Record every state the page shows for the job from now on.
      await page.evaluate((sel) => {
        const w = window as unknown as { __states: string[] };
        w.__states = [];
        const note = () => {
          const s = document.querySelector(sel)?.getAttribute('data-job-state');
          if (s && w.__states[w.__states.length - 1] !== s) w.__states.push(s);
        };
        new MutationObserver(note).observe(document.body, { subtree: true, childList: true, attributes: true });
        note();
      }, row);
      process.kill(-host.pid!, 'SIGKILL');
      const killedAt = Date.now();
      // The dead run stops showing as running: interrupted (or already re-queued by `serve`, which runs jobs).
      await page.waitForFunction(
        () => (window as unknown as { __states: string[] }).__states.some((s) => s === 'interrupted' || s === 'queued'),
        undefined,
        {
          timeout: 20_000,
        },
      );
      const ms = Date.now() - killedAt;
      const states = await page.evaluate(() => (window as unknown as { __states: string[] }).__states);
      t.diagnostic(`states after the kill: ${states.join(' → ')} (${ms} ms)`);
      assert.ok(ms <= 2500, `the page showed the job as running ${ms} ms after its process was killed`);
    },
  );
});
