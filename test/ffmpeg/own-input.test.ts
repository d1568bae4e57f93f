import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { Ffmpeg } from '../../core/ffmpeg/index.js';
import { writeRgbJpeg } from '../../core/ffmpeg/frames.js';
import { requireEnvironment } from '../helpers/environment.js';
import { tempDir } from '../helpers/library.js';

const execFileAsync = promisify(execFile);

/** The libavcodec an ffmpeg binary is built with, as its encoders write it into a JPEG comment ("Lavc59.37.100"). */
async function lavcOf(binary: string): Promise<string> {
  const { stdout } = await execFileAsync(binary, ['-hide_banner', '-version']);
  const m = /libavcodec\s+(\d+)\.\s*(\d+)\.\s*(\d+)/.exec(stdout);
  assert.ok(m, `no libavcodec version from ${binary}`);
  return `Lavc${Number(m[1])}.${Number(m[2])}.${Number(m[3])}`;
}

/** The "Lavc…" comment of a JPEG written by ffmpeg's mjpeg encoder. */
async function jpegLavc(file: string): Promise<string | undefined> {
  return /Lavc\d+\.\d+\.\d+/.exec((await readFile(file)).subarray(0, 64).toString('latin1'))?.[0];
}

const gradient = (w: number, h: number) => {
  const data = new Uint8Array(w * h * 3);
  for (let i = 0; i < w * h; i++) data.set([i % 256, (i >> 8) % 256, 128], i * 3);
  return { width: w, height: h, data };
};

describe('ffmpeg runs on our own pixels', () => {
  it('encodes a thumbnail with the quick-starting npm static build when the chosen ffmpeg is a PATH build', async (t) => {
    // The automatic choice, whatever FRAMEWISE_FFMPEG/FFPROBE this run sets (CI's second pass names the npm build).
    const env = { ffmpeg: process.env.FRAMEWISE_FFMPEG, ffprobe: process.env.FRAMEWISE_FFPROBE };
    delete process.env.FRAMEWISE_FFMPEG;
    delete process.env.FRAMEWISE_FFPROBE;
    let ffmpeg: Ffmpeg;
    try {
      ffmpeg = await Ffmpeg.create();
    } finally {
      if (env.ffmpeg !== undefined) process.env.FRAMEWISE_FFMPEG = env.ffmpeg;
      if (env.ffprobe !== undefined) process.env.FRAMEWISE_FFPROBE = env.ffprobe;
    }
    const source = ffmpeg.tools.ffmpeg.source;
    if (!requireEnvironment(t, source === 'system', `no current ffmpeg on PATH (the automatic choice is ${source}; Debian: ffmpeg)`))
      return;
    const bundled = (createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string }).path;
    assert.equal(ffmpeg.tools.ownPixelsFfmpeg, bundled);
    const quick = await lavcOf(bundled);
    assert.notEqual(quick, await lavcOf(ffmpeg.tools.ffmpeg.path), 'the two builds cannot be told apart');
    const dir = tempDir();
    try {
      const out = path.join(dir.dir, 'thumb.jpg');
      await writeRgbJpeg(ffmpeg, gradient(64, 36), out);
      assert.equal(await jpegLavc(out), quick);
    } finally {
      dir.cleanup();
    }
  });

  it('falls back to the chosen ffmpeg when the quick one does not run', async () => {
    const chosen = await Ffmpeg.create();
    const ffmpeg = new Ffmpeg({ ...chosen.tools, ownPixelsFfmpeg: '/bin/false' });
    const dir = tempDir();
    try {
      for (const name of ['a.jpg', 'b.jpg']) {
        const out = path.join(dir.dir, name);
        await writeRgbJpeg(ffmpeg, gradient(64, 36), out);
        assert.equal(await jpegLavc(out), await lavcOf(chosen.tools.ffmpeg.path));
      }
    } finally {
      dir.cleanup();
    }
  });
});
