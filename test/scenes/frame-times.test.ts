import assert from 'node:assert/strict';
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { printsFrameTimes } from '../../core/ffmpeg/decode-frames.js';
import { Ffmpeg } from '../../core/ffmpeg/index.js';
import { printedTimes } from '../../core/ffmpeg/worker-frames.js';
import { detectScenes, detectSource, type Detection, type DetectInput } from '../../core/scenes/detect.js';
import { resolveParams, type SceneParamsInput } from '../../core/scenes/params.js';
import { requireEnvironment } from '../helpers/environment.js';
import { ffmpegChildren, threadCount } from '../helpers/ffmpeg-children.js';
import { tempDir } from '../helpers/library.js';
import { CUTS_EXPECTED, VFR_EXPECTED, sceneMedia } from '../helpers/scenes.js';

const linux = process.platform === 'linux';

/** The automatic ffmpeg choice, whatever FRAMEWISE_FFMPEG/FFPROBE this run sets (CI's second pass names the npm build). */
async function automaticFfmpeg(): Promise<Ffmpeg> {
  const env = { ffmpeg: process.env.FRAMEWISE_FFMPEG, ffprobe: process.env.FRAMEWISE_FFPROBE };
  delete process.env.FRAMEWISE_FFMPEG;
  delete process.env.FRAMEWISE_FFPROBE;
  try {
    return await Ffmpeg.create();
  } finally {
    if (env.ffmpeg !== undefined) process.env.FRAMEWISE_FFMPEG = env.ffmpeg;
    if (env.ffprobe !== undefined) process.env.FRAMEWISE_FFPROBE = env.ffprobe;
  }
}

/** A current PATH ffmpeg (≥ 5.1), or null after saying why (a failure under CI). */
async function currentFfmpeg(t: TestContext): Promise<Ffmpeg | null> {
  const ffmpeg = await automaticFfmpeg();
  const source = ffmpeg.tools.ffmpeg.source;
  return requireEnvironment(t, source === 'system', `no current ffmpeg on PATH (the automatic choice is ${source}; Debian: ffmpeg)`)
    ? ffmpeg
    : null;
}

/** The facts detection takes, as the scenes job has them (VFR: frame numbers on the nominal rate). */
async function inputOf(ffmpeg: Ffmpeg, file: string): Promise<DetectInput> {
  const info = await ffmpeg.probe(file);
  const v = info.video!;
  return {
    file,
    display: { width: v.displayWidth, height: v.displayHeight },
    fps: info.variableFrameRate && v.rFrameRate ? v.rFrameRate : info.fps!,
    duration: info.duration,
    source: detectSource(info),
  };
}

/** Scores bit for bit (NaN where no frame has the number included), cuts with their times, scenes. */
function assertSameDetection(a: Detection, b: Detection, what: string) {
  assert.equal(a.frames, b.frames, what);
  assert.equal(a.scores.length, b.scores.length, what);
  let differing = 0;
  for (let f = 0; f < a.scores.length; f++) if (!Object.is(a.scores[f], b.scores[f])) differing++;
  assert.equal(differing, 0, `${what}: ${differing} frames score differently`);
  assert.deepEqual(a.cuts, b.cuts, what);
  assert.deepEqual(a.scenes, b.scenes, what);
}

/** Threads of the ffmpeg processes this process has started. */
function ffmpegThreadCounts(): number[] {
  return ffmpegChildren().flatMap((pid) => threadCount(pid) ?? []);
}

describe('scene detection: frame times and filter threads', () => {
  it('ffmpeg ≥ 5.1 prints the frame times into a FIFO the worker reads: scores, cuts and times as with showinfo (VFR and CFR)', async (t) => {
    if (!linux) return t.diagnostic('the worker path (and the printed times) is Linux-only');
    const ffmpeg = await currentFfmpeg(t);
    if (!ffmpeg) return;
    assert.ok(printsFrameTimes(ffmpeg), `${ffmpeg.tools.ffmpeg.version} should print frame times`);
    const cases: Array<{ file: string; params: SceneParamsInput; starts: number[] }> = [
      // Every third frame dropped: a frame's number comes from its own timestamp, any slip shows.
      { file: await sceneMedia.vfr(), params: { detector: 'content' }, starts: VFR_EXPECTED },
      { file: await sceneMedia.cuts(), params: {}, starts: CUTS_EXPECTED },
    ];
    for (const c of cases) {
      const input = await inputOf(ffmpeg, c.file);
      const params = resolveParams(c.params);
      const printed = await detectScenes(ffmpeg, input, params);
      const shown = await detectScenes(ffmpeg, input, params, { frameTimes: 'showinfo' });
      assert.equal(printed.frameTimes, 'printed');
      assert.equal(shown.frameTimes, 'showinfo');
      assertSameDetection(printed, shown, path.basename(c.file));
      assert.deepEqual(
        printed.scenes.map((s) => s.startFrame),
        c.starts,
      );
    }
  });

  it('the npm-bundled 2018 build (ffmpeg 4.1, no unbuffered metadata printing) keeps showinfo', async (t) => {
    const bundled = (createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string }).path;
    const probe = (createRequire(import.meta.url)('@ffprobe-installer/ffprobe') as { path: string }).path;
    const ffmpeg = await Ffmpeg.create({ ffmpeg: bundled, ffprobe: probe });
    assert.deepEqual(ffmpeg.tools.ffmpeg.release, [4, 1]);
    assert.equal(printsFrameTimes(ffmpeg), false);
    const d = await detectScenes(ffmpeg, await inputOf(ffmpeg, await sceneMedia.cuts()), resolveParams({}));
    assert.equal(d.frameTimes, 'showinfo');
    assert.deepEqual(
      d.scenes.map((s) => s.startFrame),
      CUTS_EXPECTED,
    );
    if (!linux) t.diagnostic('no FIFO here: showinfo through decodeFrames');
  });

  it("detection's ffmpeg runs one filter thread (no swscale slice threads): fewer threads, the same scores", async (t) => {
    if (!linux) return t.diagnostic('thread counts are read from /proc');
    const ffmpeg = await automaticFfmpeg();
    const input = await inputOf(ffmpeg, await sceneMedia.cuts());
    const params = resolveParams({});
    const run = async (filterThreads?: number) => {
      const threads: number[] = [];
      const d = await detectScenes(ffmpeg, input, params, {
        ...(filterThreads === undefined ? {} : { filterThreads }),
        onProgress: () => threads.push(...ffmpegThreadCounts()),
      });
      assert.ok(threads.length > 0, 'progress was reported while ffmpeg ran');
      return { d, threads: Math.max(...threads) };
    };
    const one = await run();
    const dflt = await run(0);
    assertSameDetection(one.d, dflt.d, 'one filter thread vs ffmpeg default');
    // swscale (ffmpeg ≥ 5.0) splits a scale over one slice thread per core; a single core has none to save.
    if (os.availableParallelism() < 2) return t.diagnostic(`one core: ${one.threads} vs ${dflt.threads} threads`);
    if (ffmpeg.tools.ffmpeg.release && ffmpeg.tools.ffmpeg.release[0] < 5) return t.diagnostic('swscale has no slice threads before 5.0');
    assert.ok(one.threads < dflt.threads, `${one.threads} threads with one filter thread, ${dflt.threads} with ffmpeg's default`);
  });

  it("detection's ffmpeg decodes ahead through the fifo muxer's own writer thread: the same scores as plain output", async (t) => {
    if (!linux) return t.diagnostic('thread counts are read from /proc');
    // Writing the FIFO from ffmpeg's main thread instead cost 0.4–1.2 CPU-s more per 3600 frames in 5 of 5
    // interleaved pairs (docs/benchmarks.md, feat/scn4): the main thread then blocks on the pipe and waits to be woken.
    const ffmpeg = await automaticFfmpeg();
    const input = await inputOf(ffmpeg, await sceneMedia.cuts());
    const params = resolveParams({});
    const run = async (decodeAhead?: number) => {
      const threads: number[] = [];
      const d = await detectScenes(ffmpeg, input, params, {
        ...(decodeAhead === undefined ? {} : { decodeAhead }),
        onProgress: () => threads.push(...ffmpegThreadCounts()),
      });
      assert.ok(threads.length > 0, 'progress was reported while ffmpeg ran');
      return { d, threads: Math.max(...threads) };
    };
    const ahead = await run();
    const plain = await run(0);
    assertSameDetection(ahead.d, plain.d, 'decode-ahead queue vs plain rawvideo output');
    assert.ok(ahead.threads > plain.threads, `${ahead.threads} ffmpeg threads decoding ahead, ${plain.threads} with plain output`);
  });

  it('printed times are read across partial reads; a frame without a pts or out of order is an error', () => {
    const dir = tempDir();
    try {
      const file = path.join(dir.dir, 'times.txt');
      // 2000 frames at 30000/1001 fps: ≈ 90 KB, more than one 16 KB read, lines cut at the read boundaries.
      const us = Array.from({ length: 2000 }, (_, i) => Math.round((i * 1001 * 1e6) / 30000) - 40);
      writeFileSync(file, us.map((p, i) => `frame:${i}    pts:${p}  pts_time:${p / 1e6}\nframewise_t=1\n`).join(''));
      const fd = openSync(file, 'r');
      try {
        const next = printedTimes(fd);
        const got = us.map((_, k) => next(k));
        assert.deepEqual(
          got,
          us.map((p) => p / 1e6),
        );
        assert.equal(next(2000), null, 'none after the last');
      } finally {
        closeSync(fd);
      }
      const bad = (text: string, k: number, message: RegExp) => {
        writeFileSync(file, text);
        const f = openSync(file, 'r');
        try {
          const next = printedTimes(f);
          for (let i = 0; i < k; i++) next(i);
          assert.throws(() => next(k), message);
        } finally {
          closeSync(f);
        }
      };
      bad('frame:0 pts:0 pts_time:0\nframewise_t=1\nframe:1 pts:NOPTS pts_time:NOPTS\nframewise_t=1\n', 1, /no timestamp/);
      bad(
        'frame:0 pts:0 pts_time:0\nframewise_t=1\nframe:2 pts:66 pts_time:0.000066\nframewise_t=1\n',
        1,
        /frame 2's time where frame 1's/,
      );
    } finally {
      dir.cleanup();
    }
  });
});
