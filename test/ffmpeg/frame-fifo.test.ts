import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Ffmpeg } from '../../core/ffmpeg/index.js';
import { detectScenes } from '../../core/scenes/detect.js';
import { resolveParams } from '../../core/scenes/params.js';
import { sceneMedia } from '../helpers/scenes.js';

const linux = process.platform === 'linux';

/**
 * What a process's stdout is: a FIFO, or a socket (node's default child stdio). (The FIFO reader itself — same
 * frames as stdout, early stop and errors leave no ffmpeg or descriptor — is tested in frame-stream.test.ts.)
 */
function stdoutOf(pid: number): string {
  const s = statSync(`/proc/${pid}/fd/1`);
  return s.isFIFO() ? 'fifo' : s.isSocket() ? 'socket' : 'other';
}
const openFds = () => readdirSync('/proc/self/fd').length;
/** ffmpeg processes started by this one (through `setpriv`, which execs ffmpeg under the same pid). */
function ffmpegChildren(): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        return Number(stat.split(') ')[1]!.split(' ')[1]) === process.pid && stat.includes('(ffmpeg)');
      } catch {
        return false;
      }
    })
    .map(Number);
}

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
          if (seen.length === 0) for (const pid of ffmpegChildren()) seen.push(stdoutOf(pid));
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
