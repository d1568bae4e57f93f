import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/fixtures.js';
import { importAndWait, tempDir } from '../helpers/library.js';
import { deferCleanups } from '../helpers/cleanups.js';
import { withLibraryCore } from '../helpers/library-core.js';
import { startServe } from '../helpers/serve.js';
import { openBrowserPage } from '../helpers/browser.js';
import { exactClip, greyFrames, longerMedia, sceneMedia } from '../helpers/scenes.js';

test(
  'video view: detect scenes, move a cut by keyboard, approve, export two clips, play one; accurate and smart exports are exact; cancel leaves nothing',
  { timeout: 300_000 },
  async (t) => {
    if (!existsSync(path.join(REPO_ROOT, 'dist', 'renderer', 'index.html')))
      throw new Error('dist/renderer is not built: run `npm run build` (npm test does) before the e2e tests');
    const defer = deferCleanups(t);
    const lib = tempDir('framewise-e2e-scenes-');
    const out = tempDir('framewise-e2e-scenes-out-');
    defer(() => {
      lib.cleanup();
      out.cleanup();
    });
    // Imported in this process before `framewise serve` opens the library (no CLI start-up).
    // The longer video (slow enough to re-encode that an export can be cancelled midway) gets its clips here:
    // two, [0, 40) and [40, 750), both approved.
    const [videoId, longId] = await withLibraryCore(lib.dir, async (core) => {
      const jobs = await importAndWait(core, [await sceneMedia.cuts(), await longerMedia()]);
      for (const job of jobs) assert.equal(job.state, 'succeeded', JSON.stringify(job.error));
      const [cuts, long] = jobs.map((j) => (j.output as { videoId: number }).videoId) as [number, number];
      const detection = await core.call('scenes.detect', { video: long, detector: 'threshold' });
      if (detection.jobId) assert.equal((await core.services.jobs.waitFor(detection.jobId, 120_000)).state, 'succeeded');
      const clips = await core.call('clips.fromScenes', { video: long });
      assert.equal(clips.clips.length, 1);
      await core.call('clips.split', { video: long, id: clips.clips[0]!.id, frame: 40 });
      await core.call('clips.setState', { video: long, ids: 'all', state: 'approved' });
      return [cuts, long];
    });

    const server = await startServe(lib.dir, ['--concurrency', '1']);
    defer(() => server.stop());
    const { page, pageErrors } = await openBrowserPage(t, { width: 1440, height: 1000 }, 90_000);
    await page.goto(server.url);
    await page.evaluate((id) => (window.location.hash = `#/video/${id}`), videoId);
    await page.getByTestId('scenes-panel').waitFor();

    // Detect with the content detector: four scenes, the score curve, then use them as clips.
    await page.getByTestId('action-detect-scenes').click();
    await page.getByTestId('detect-detector').selectOption('content');
    await page.getByTestId('detect-run').click();
    await page.getByTestId('detect-found').filter({ hasText: '4 scenes' }).waitFor();
    await page.getByTestId('scene-score-curve').waitFor();
    await page.getByTestId('detect-use').click();
    await page.getByTestId('clip-row-4').waitFor();
    assert.equal(await page.locator('[data-testid^=clip-row-]').count(), 4);
    await page.getByTestId('clip-thumb-2').waitFor();

    // Hover preview: the lane shows the tile of the clip's sprite sheet under the pointer.
    const lane = page.getByTestId('scenes-lane');
    await lane.hover({ position: { x: ((await lane.boundingBox())!.width * 60) / 200, y: 10 } });
    const hover = page.getByTestId('scene-hover');
    await hover.waitFor();
    assert.match((await hover.getAttribute('style')) ?? '', /background-image: url\(.*artifact/);
    await page.mouse.move(0, 0);

    // Keyboard: select clip 2, select its cut (C), move it two frames later (→ →), one edit per key.
    await lane.focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('c');
    await page.locator('.scene-cut-selected[data-testid=scene-cut-1]').waitFor();
    await page.keyboard.press('ArrowRight');
    await page.locator('[data-testid=scene-cut-1][data-frame="51"]').waitFor();
    await page.keyboard.press('ArrowRight');
    await page.locator('[data-testid=scene-cut-1][data-frame="52"]').waitFor();
    // Approve clips 1 and 2 (Escape leaves the cut; arrows select clips again).
    await page.keyboard.press('Escape');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('a');
    await page.locator('[data-testid=clip-row-1][data-state=approved]').waitFor();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('a');
    await page.locator('[data-testid=clip-row-2][data-state=approved]').waitFor();
    // Skip clip 3 (X); split it at the playhead (S, the key segment review uses) and merge it back (M).
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('x');
    await page.locator('[data-testid=clip-row-3][data-state=skipped]').waitFor();
    await page.getByTestId('goto-frame').fill('120');
    await page.getByTestId('goto-frame').press('Enter');
    await page.getByTestId('frame-number').filter({ hasText: /^120$/ }).waitFor();
    await lane.focus();
    await page.keyboard.press('s');
    await page.locator('[data-testid=scene-cut-3][data-frame="120"]').waitFor();
    assert.equal(await page.locator('[data-testid^=clip-row-]').count(), 5);
    await page.keyboard.press('m');
    await page.locator('[data-testid=scene-cut-3][data-frame="150"]').waitFor();
    assert.equal(await page.locator('[data-testid^=clip-row-]').count(), 4);
    // Drag the cut at frame 150 by mouse about 20 frames to the left, then undo the move (Ctrl+Z).
    const laneBox = (await lane.boundingBox())!;
    const cutBox = (await page.getByTestId('scene-cut-3').boundingBox())!;
    const [cx, cy] = [cutBox.x + cutBox.width / 2, cutBox.y + cutBox.height / 2];
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    await page.mouse.move(cx - (laneBox.width * 20) / 200, cy, { steps: 5 });
    await page.mouse.up();
    await page.locator('[data-testid=scene-cut-3]:not([data-frame="150"])').waitFor();
    const dragged = Number(await page.getByTestId('scene-cut-3').getAttribute('data-frame'));
    assert.ok(Math.abs(dragged - 130) <= 2, `the cut was dragged to frame ${dragged}`);
    await lane.focus();
    await page.keyboard.press('Control+z');
    await page.locator('[data-testid=scene-cut-3][data-frame="150"]').waitFor();

    // Export the two approved clips losslessly, with progress, into a new folder.
    await page.getByTestId('action-export-clips').click();
    await page.getByTestId('export-folder').fill(path.join(out.dir, 'clips'));
    await page.getByTestId('export-start').click();
    await page.getByTestId('export-done').waitFor();
    assert.equal(await page.getByTestId('export-file').count(), 2);
    // Copy mode says how far each cut moved: clip 2 starts at 52, the file at the keyframe before it (frame 0,
    // x264's only IDR frame in this clip); clip 1 starts on a keyframe and says nothing.
    const listed = await page.getByTestId('export-file').allInnerTexts();
    assert.doesNotMatch(listed[0]!, /moved/, listed[0]);
    assert.match(listed[1]!, /start moved back 52 frame/, listed[1]);
    assert.deepEqual(readdirSync(path.join(out.dir, 'clips')).sort(), ['scenes-cuts-25fps-1.mp4', 'scenes-cuts-25fps-2.mp4']);
    await page.getByTestId('export-close').click();

    // Play clip 1: it was exported, so its file plays (2.08 s long: the cut moved to frame 52), to its end.
    await page.locator('[data-testid=clip-play-1][data-exported=true]').waitFor();
    await page.getByTestId('clip-play-1').click();
    await page.waitForFunction(() => document.querySelector<HTMLVideoElement>('[data-testid=clip-exported-video-1]')?.ended === true);
    const fileLength = await page.getByTestId('clip-exported-video-1').evaluate((v: HTMLVideoElement) => v.duration);
    assert.ok(Math.abs(fileLength - 2.08) < 0.05, `the exported file of clip 1 lasts ${fileLength} s`);
    await page.getByTestId('clip-exported-close').click();
    // Clip 3 has no file: it plays in the player from its start (3.6 s) and stops at its end (6 s).
    assert.equal(await page.getByTestId('clip-play-3').getAttribute('data-exported'), 'false');
    await page.getByTestId('clip-play-3').click();
    const video = page.getByTestId('video-element');
    await page.waitForFunction(() => {
      const v = document.querySelector<HTMLVideoElement>('[data-testid=video-element]');
      return v !== null && v.currentTime > 4 && v.paused;
    });
    const end = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
    assert.ok(end > 5.8 && end < 6.2, `clip 3 stopped at ${end}`);
    // Ordinary footage (clips, no overlay text): the clinical panels stay out of the way until asked for.
    assert.equal(await page.getByTestId('patient-panel').count(), 0);
    assert.equal(await page.getByTestId('action-export').count(), 0);
    await page.locator('[data-panel=patient] [data-testid=clinical-show]').click();
    await page.getByTestId('patient-panel').waitFor();
    await page.getByTestId('action-export').waitFor();

    // Accurate and smart: every clip ([0, 52), [52, 90), [90, 150), [150, 200)) with its exact first and last frame.
    const source = await greyFrames(await sceneMedia.cuts());
    const ranges = [
      [0, 52],
      [52, 90],
      [90, 150],
      [150, 200],
    ] as const;
    for (const mode of ['accurate', 'smart'] as const) {
      await page.getByTestId('action-export-clips').click();
      await page.getByTestId(`export-mode-${mode}`).check();
      await page.getByTestId('export-which').selectOption('all');
      await page.getByTestId('export-folder').fill(path.join(out.dir, mode));
      await page.getByTestId('export-start').click();
      await page.getByTestId('export-done').waitFor();
      assert.equal(await page.getByTestId('export-file').count(), 4, mode);
      for (const [k, [start, end]] of ranges.entries()) {
        const file = path.join(out.dir, mode, `scenes-cuts-25fps-${k + 1}.mp4`);
        const wrong = exactClip(await greyFrames(file), source, start, end);
        assert.equal(wrong, null, `${mode}, clip ${k + 1}: ${wrong}`);
      }
      await page.getByTestId('export-close').click();
    }

    // Cancel: progress with an ETA while the longer video's two clips are re-encoded; cancelled once the first file
    // is written, the export leaves nothing: not that file, not the folders it made.
    await page.evaluate((id) => (window.location.hash = `#/video/${id}`), longId);
    await page.getByTestId('clip-row-2').waitFor();
    await page.getByTestId('action-export-clips').click();
    await page.getByTestId('export-mode-accurate').check();
    const cancelled = path.join(out.dir, 'cancelled');
    const target = path.join(cancelled, 'clips');
    await page.getByTestId('export-folder').fill(target);
    await page.getByTestId('export-start').click();
    await page
      .getByTestId('export-eta')
      .filter({ hasText: /about \d+ s left/ })
      .waitFor();
    await page.getByRole('progressbar').first().waitFor();
    const first = path.join(target, 'scenes-30s-640-1.mp4');
    while (!existsSync(first) && (await page.getByTestId('export-cancel').count())) await new Promise((r) => setTimeout(r, 20));
    assert.ok(existsSync(first), 'the first clip was written while the export ran');
    await page.getByTestId('export-cancel').click();
    await page.getByTestId('export-message').filter({ hasText: 'Export cancelled; nothing was written' }).waitFor();
    assert.equal(existsSync(cancelled), false, `left behind: ${existsSync(cancelled) ? readdirSync(cancelled).join(', ') : ''}`);
    assert.deepEqual(pageErrors, []);
  },
);
