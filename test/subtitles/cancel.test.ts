import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Core } from '../../core/core.js';
import { liveChildPids } from '../../core/ffmpeg/process.js';
import { importAndWait, openTempCore, tempDir } from '../helpers/library.js';
import { media } from '../helpers/media.js';
import { processesMentioning } from '../helpers/processes.js';

function whenStage(core: Core, jobId: number, stage: string): Promise<void> {
  return new Promise((resolve) => {
    const off = core.subscribe((e) => {
      if (e.type === 'job.progress' && e.jobId === jobId && e.stage === stage && e.progress > 0.01) {
        off();
        resolve();
      }
    });
  });
}

const burnPids = () => processesMentioning('subtitles=filename', liveChildPids()).map((p) => p.pid);

test('cancel a burn-in mid-render: ffmpeg is killed, no output and no temp file remain', async () => {
  const scratch = tempDir('framewise-subs-cancel-');
  const { core, close } = await openTempCore();
  try {
    const file = await media.long1080(60);
    const [imp] = await importAndWait(core, [file]);
    const video = (imp!.output as { videoId: number }).videoId;
    const srt = path.join(scratch.dir, 'in.srt');
    writeFileSync(srt, '1\n00:00:01,000 --> 00:00:50,000\nLänger Untertitel\n');
    await core.call('subtitles.import', { video, path: srt });
    const outDir = path.join(scratch.dir, 'out');
    const { job } = await core.call('subtitles.burn', { video, output: path.join(scratch.dir, 'out', 'burned.mp4') });
    await whenStage(core, job.id, 'burning');
    assert.equal(burnPids().length, 1, 'the burn-in is running');
    const cancelled = await core.call('jobs.cancel', { id: job.id });
    assert.equal(cancelled.state, 'cancelled');
    assert.deepEqual(burnPids(), [], 'ffmpeg is gone');
    assert.deepEqual(readdirSync(outDir), [], 'no output and no temp file');
  } finally {
    await close();
    scratch.cleanup();
  }
});
