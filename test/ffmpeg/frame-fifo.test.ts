import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { describe, it } from 'node:test';
import { decodeFrames, type FrameGeometry, type Sampling } from '../../core/ffmpeg/decode-frames.js';
import { openFrameFifo } from '../../core/ffmpeg/frame-fifo.js';
import { Ffmpeg } from '../../core/ffmpeg/index.js';
import { detectScenes } from '../../core/scenes/detect.js';
import { resolveParams } from '../../core/scenes/params.js';
import { sceneMedia } from '../helpers/scenes.js';

const geometry: FrameGeometry = { width: 64, height: 36, colorOrder: 'RGB', resize: 'stretch', scaler: 'point' };
const sampling: Sampling = { fps: { num: 25, den: 1 }, sampleFps: null };
const linux = process.platform === 'linux';

/** What a process's stdout is: a FIFO, or a socket (node's default child stdio). */
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

async function collect(ffmpeg: Ffmpeg, file: string, transport: 'pipe' | 'fifo') {
  let stdout = '';
  const frames: Array<{ time: number; frame: number; bytes: string }> = [];
  for await (const f of decodeFrames(ffmpeg, file, geometry, sampling, {
    transport,
    queueFrames: 8,
    onStart: (pid) => (stdout = linux && pid ? stdoutOf(pid) : ''),
  })) {
    frames.push({ time: f.time, frame: f.frame, bytes: f.data.toString('base64') });
  }
  return { frames, stdout };
}

describe('frames through a FIFO read by a worker thread', () => {
  it('gives exactly the frames, times and numbers of the stdout pipe; ffmpeg writes into a FIFO, not a socket', async () => {
    const ffmpeg = await Ffmpeg.create();
    const file = await sceneMedia.cuts();
    const fds = linux ? openFds() : 0;
    const viaPipe = await collect(ffmpeg, file, 'pipe');
    const viaFifo = await collect(ffmpeg, file, 'fifo');
    assert.equal(viaPipe.frames.length, 200);
    assert.deepEqual(viaFifo.frames, viaPipe.frames);
    if (!linux) {
      assert.equal(openFrameFifo(), null);
      return;
    }
    assert.equal(viaPipe.stdout, 'socket');
    assert.equal(viaFifo.stdout, 'fifo');
    assert.equal(openFds(), fds, 'both ends of the FIFO are closed afterwards');
  });

  it('stopping early or aborting ends ffmpeg and the worker and closes the FIFO', async () => {
    const ffmpeg = await Ffmpeg.create();
    const file = await sceneMedia.cuts();
    const fds = linux ? openFds() : 0;
    let n = 0;
    let pid: number | undefined;
    for await (const f of decodeFrames(ffmpeg, file, geometry, sampling, {
      transport: 'fifo',
      queueFrames: 8,
      onStart: (p) => (pid = p),
    })) {
      assert.equal(f.data.length, 64 * 36 * 3);
      if (++n === 5) break;
    }
    assert.ok(pid);
    assert.throws(() => process.kill(pid!, 0), /ESRCH/, 'ffmpeg is gone');
    const controller = new AbortController();
    await assert.rejects(
      (async () => {
        for await (const f of decodeFrames(ffmpeg, file, geometry, sampling, { transport: 'fifo', signal: controller.signal })) {
          if (f.frame === 10) controller.abort();
        }
      })(),
      /cancel/i,
    );
    if (linux) assert.equal(openFds(), fds);
  });

  it('scene detection receives its frames through the FIFO', async (t) => {
    if (!linux) return t.diagnostic('the FIFO is Linux-only; elsewhere detection reads stdout (checked above)');
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
