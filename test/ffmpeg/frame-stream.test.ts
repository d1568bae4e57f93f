import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { streamFrames } from '../../core/ffmpeg/frame-stream.js';
import { Ffmpeg } from '../../core/ffmpeg/index.js';
import { media } from '../helpers/media.js';
import { ffmpegChildren, stdoutKind } from '../helpers/ffmpeg-children.js';

const linux = process.platform === 'linux';

/** ffmpeg processes started by this one, and what each one's stdout is (a FIFO or a socket). */
function ffmpegStdouts(): string[] {
  return ffmpegChildren().flatMap((pid) => stdoutKind(pid) ?? []);
}
const openFds = () => readdirSync('/proc/self/fd').length;

async function collect(ffmpeg: Ffmpeg, file: string, transport: 'fifo' | 'pipe' | undefined, referenceOnly: boolean) {
  const frames: string[] = [];
  const stdouts = new Set<string>();
  const n = await streamFrames(ffmpeg, file, {
    step: 5,
    width: 320,
    height: 240,
    ...(transport ? { transport } : {}),
    ...(referenceOnly ? { referenceOnly: { fps: { num: 25, den: 1 }, minGap: 4 } } : {}),
    onFrame: async (f) => {
      if (linux && frames.length === 1) for (const s of ffmpegStdouts()) stdouts.add(s);
      frames.push(`${f.frame}:${f.index}:${createHash('sha256').update(f.data).digest('hex')}`);
      // Released out of order and late, as the text scan does: a reused buffer must never hold a later frame early.
      setTimeout(f.release, 5);
      await new Promise((r) => setTimeout(r, 1));
    },
  });
  assert.equal(n, frames.length);
  return { frames, stdouts: [...stdouts] };
}

describe('streamFrames (verification and text scan frames)', () => {
  it('the FIFO (default on Linux) and stdout give the same frames, numbers and pixels', async () => {
    const ffmpeg = await Ffmpeg.create();
    const file = await media.mp4(4);
    for (const referenceOnly of [false, true]) {
      const fifo = await collect(ffmpeg, file, undefined, referenceOnly);
      const pipe = await collect(ffmpeg, file, 'pipe', referenceOnly);
      assert.ok(fifo.frames.length >= 20, `${fifo.frames.length} frames`);
      assert.deepEqual(fifo.frames, pipe.frames);
      if (linux) {
        assert.deepEqual(fifo.stdouts, ['fifo']);
        assert.deepEqual(pipe.stdouts, ['socket']);
      }
    }
  });

  it('FIFO frames come in their slot without a copy; kept or late-released frames keep their pixels', async (t) => {
    if (!linux) return t.diagnostic('the FIFO is Linux-only');
    const ffmpeg = await Ffmpeg.create();
    const file = await media.mp4(4);
    const pipe = await collect(ffmpeg, file, 'pipe', false);
    const kept: Uint8Array[] = [];
    const late: Array<{ data: Uint8Array; hash: string; release: () => void }> = [];
    let inSlots = 0;
    await streamFrames(ffmpeg, file, {
      step: 5,
      width: 320,
      height: 240,
      onFrame: async (f) => {
        // A buffer holding more than one frame is the FIFO's slots: the frame was not copied out.
        if (f.data.buffer.byteLength > f.data.byteLength) inSlots++;
        // Every third frame is kept to the end (never released); the others are released two frames later.
        if (f.index % 3 === 0) kept.push(f.data);
        else late.push({ data: f.data, hash: createHash('sha256').update(f.data).digest('hex'), release: f.release });
        if (late.length > 2) {
          const e = late.shift()!;
          assert.equal(createHash('sha256').update(e.data).digest('hex'), e.hash, 'a held frame was overwritten');
          e.release();
        }
        await new Promise((r) => setTimeout(r, 1));
      },
    });
    const hash = (d: Uint8Array) => createHash('sha256').update(d).digest('hex');
    assert.deepEqual(
      kept.map(hash),
      pipe.frames.filter((_, i) => i % 3 === 0).map((f) => f.split(':')[2]),
    );
    assert.ok(inSlots >= 3, `${inSlots} frames in their slot`);
  });

  it('a failing reader fails the stream with its own error, and leaves no ffmpeg and no open descriptor', async () => {
    const ffmpeg = await Ffmpeg.create();
    const file = await media.mp4(4);
    for (const transport of ['fifo', 'pipe'] as const) {
      const fds = openFds();
      let seen = 0;
      await assert.rejects(
        streamFrames(ffmpeg, file, {
          step: 1,
          width: 320,
          height: 240,
          transport,
          onFrame: async () => {
            if (++seen === 3) throw new Error('reader failed');
          },
        }),
        /reader failed/,
      );
      assert.equal(seen, 3, transport);
      if (linux) {
        assert.deepEqual(ffmpegStdouts(), [], transport);
        assert.equal(openFds(), fds, transport);
      }
    }
  });
});
