import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Ffmpeg } from '../../core/ffmpeg/index.js';
import { detectScenes } from '../../core/scenes/detect.js';
import { resolveParams } from '../../core/scenes/params.js';
import { sceneMedia } from '../helpers/scenes.js';
import { ffmpegChildren, stdoutKind } from '../helpers/ffmpeg-children.js';

const linux = process.platform === 'linux';

const openFds = () => readdirSync('/proc/self/fd').length;

describe('scene detection through a FIFO read by a worker thread', () => {
  it('scene detection receives its frames through the FIFO', async (t) => {
    if (!linux) return t.diagnostic('the FIFO is Linux-only; elsewhere detection reads stdout');
    const ffmpeg = await Ffmpeg.create();
    const file = await sceneMedia.cuts();
    const seen: string[] = [];
    const d = await detectScenes(
      ffmpeg,
      { file, display: { width: 320, height: 240 }, fps: { num: 25, den: 1 }, duration: 8 },
      resolveParams({}),
      {
        onProgress: () => {
          if (seen.length === 0) for (const pid of ffmpegChildren()) seen.push(stdoutKind(pid) ?? 'gone');
        },
      },
    );
    assert.deepEqual(
      d.scenes.map((s) => s.startFrame),
      [0, 50, 90, 150],
    );
    assert.equal(seen.length, 1, 'one ffmpeg decoding');
    assert.equal(seen[0], 'fifo');
  });

  it('a detection cancelled midway (detector in the worker) ends ffmpeg and the worker and closes the FIFO', async (t) => {
    if (!linux) return t.diagnostic('the worker path is Linux-only');
    const ffmpeg = await Ffmpeg.create();
    const file = await sceneMedia.cuts();
    const fds = openFds();
    const controller = new AbortController();
    let pids: number[] = [];
    await assert.rejects(
      detectScenes(ffmpeg, { file, display: { width: 320, height: 240 }, fps: { num: 25, den: 1 }, duration: 8 }, resolveParams({}), {
        signal: controller.signal,
        onProgress: () => {
          pids = ffmpegChildren();
          controller.abort();
        },
      }),
      /cancel/i,
    );
    assert.equal(pids.length, 1);
    assert.throws(() => process.kill(pids[0]!, 0), /ESRCH/, 'ffmpeg is gone');
    assert.equal(openFds(), fds, 'both ends of the FIFO are closed afterwards');
  });
});
