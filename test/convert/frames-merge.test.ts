import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, describe, test } from 'node:test';
import { chooseFrames } from '../../core/convert/frames-job.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/library.js';
import { ffmpegPath, ffprobePath } from '../helpers/media.js';
import { anamorphicSilent, numberedFrames, rotatedTagged, short } from './media.js';
import { VFR_SOURCE_FRAMES, readFrameCodes, vfrToneGap } from '../audio/speech-media.js';
import { subtitleCues, subtitledMedia, subtitledMkv } from '../helpers/scenes.js';

const execFileAsync = promisify(execFile);

/** The grey level frame n of the numbered clip shows once its limited-range luma 4·n is expanded to full range. */
const levelOf = (n: number) => Math.min(255, Math.max(0, ((4 * n - 16) * 255) / 219));

/** Mean luma of an image. */
async function meanLuma(file: string): Promise<number> {
  const { stdout } = await execFileAsync(
    await ffmpegPath(),
    ['-v', 'error', '-i', file, '-vf', 'format=gray', '-f', 'rawvideo', 'pipe:1'],
    {
      encoding: 'buffer',
      maxBuffer: 16 << 20,
    },
  );
  const b = stdout as Buffer;
  let s = 0;
  for (const v of b) s += v;
  return s / b.length;
}

async function dims(file: string): Promise<[number, number]> {
  const { stdout } = await execFileAsync(await ffprobePath(), [
    '-v',
    'error',
    '-show_entries',
    'stream=width,height',
    '-of',
    'csv=p=0',
    file,
  ]);
  const [w, h] = stdout.trim().split('\n')[0]!.split(',').map(Number);
  return [w!, h!];
}

describe('framewise frames', () => {
  const lib = tempDir();
  const out = tempDir('framewise-frames-out-');
  after(() => {
    lib.cleanup();
    out.cleanup();
  });
  const cli = (args: string[]) => runCli(['--data-dir', lib.dir, ...args]);

  test('frame selection from presentation times (VFR-safe): every, at, frames, count', () => {
    const cfr = Array.from({ length: 50 }, (_, i) => i / 25);
    assert.deepEqual(chooseFrames({ every: 1 }, cfr), [0, 25]);
    assert.deepEqual(chooseFrames({ at: [1.5, 0.039, 0.04] }, cfr), [0, 1, 37]);
    assert.deepEqual(chooseFrames({ frames: [0, 30, 99] }, cfr), [0, 30]);
    assert.deepEqual(chooseFrames({ count: 4 }, cfr), [6, 18, 31, 43]);
    // Variable frame rate: 10 frames at 0.1 s, then 10 at 0.02 s.
    const vfr = [...Array.from({ length: 10 }, (_, i) => i * 0.1), ...Array.from({ length: 10 }, (_, i) => 1 + i * 0.02)];
    assert.deepEqual(chooseFrames({ at: [0.55, 1.05] }, vfr), [5, 12]);
  });

  test('--frames and --at export exactly those frames, named by frame number and time', async () => {
    const src = await numberedFrames();
    const dir = path.join(out.dir, 'exact');
    mkdirSync(dir);
    const r = await cli(['frames', src, '--frames', '0,30,49', '-o', dir, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readdirSync(dir).sort(), ['frame-000000-t0.000s.png', 'frame-000030-t1.200s.png', 'frame-000049-t1.960s.png']);
    for (const [n, f] of [
      [0, 'frame-000000-t0.000s.png'],
      [30, 'frame-000030-t1.200s.png'],
      [49, 'frame-000049-t1.960s.png'],
    ] as const)
      assert.ok(Math.abs((await meanLuma(path.join(dir, f))) - levelOf(n)) <= 2, `${f} shows frame ${n}`);

    const at = path.join(out.dir, 'at');
    mkdirSync(at);
    const a = await cli(['frames', src, '--at', '1.5', '-o', at, '--format', 'jpg', '--json']);
    assert.equal(a.code, 0, a.stderr);
    assert.deepEqual(readdirSync(at), ['frame-000037-t1.480s.jpg']);
    assert.ok(Math.abs((await meanLuma(path.join(at, 'frame-000037-t1.480s.jpg'))) - levelOf(37)) <= 3);
  });

  test('--every exports the frame shown at each multiple of the interval (presentation times, frames from 0), CFR and VFR', async () => {
    // CFR, 25 fps: at 0.5 s the frame on screen is frame 12 (0.48 s), not a rounded tick (12.5 → 13).
    const dir = path.join(out.dir, 'every');
    mkdirSync(dir);
    const r = await cli(['frames', await numberedFrames(), '--every', '0.5', '-o', dir, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const expected = [
      [0, 0],
      [12, 0.48],
      [25, 1],
      [37, 1.48],
    ] as const;
    const names = expected.map(([n, t]) => `frame-${String(n).padStart(6, '0')}-t${t.toFixed(3)}s.png`);
    assert.deepEqual(readdirSync(dir).sort(), names);
    const res = JSON.parse(r.stdout) as { files: Array<{ frame: number; time: number; file: string }> };
    assert.deepEqual(
      res.files.map((f) => [f.frame, Math.round(f.time * 1000) / 1000, path.basename(f.file)]),
      expected.map(([n, t], i) => [n, t, names[i]]),
    );
    for (const [n, t] of expected)
      assert.ok(
        Math.abs((await meanLuma(path.join(dir, `frame-${String(n).padStart(6, '0')}-t${t.toFixed(3)}s.png`))) - levelOf(n)) <= 2,
        `frame ${n} shows frame ${n}`,
      );

    // VFR (every third source frame missing before 6 s): the frame number is the decoded frame's index, the
    // time its own presentation time, and the picture the source frame shown at each multiple of 2.5 s.
    const vdir = path.join(out.dir, 'every-vfr');
    mkdirSync(vdir);
    const v = await cli(['frames', await vfrToneGap(), '--every', '2.5', '-o', vdir, '--json']);
    assert.equal(v.code, 0, v.stderr);
    const shown = [0, 2.5, 5, 7.5, 10].map((t) => VFR_SOURCE_FRAMES.filter((n) => n / 25 <= t + 1e-9).pop()!);
    assert.deepEqual(shown, [0, 61, 124, 187, 250]);
    const vres = JSON.parse(v.stdout) as { files: Array<{ frame: number; time: number; file: string }> };
    assert.deepEqual(
      vres.files.map((f) => [f.frame, Math.round(f.time * 1000) / 1000]),
      shown.map((s) => [VFR_SOURCE_FRAMES.indexOf(s), s / 25]),
    );
    assert.deepEqual(readdirSync(vdir).sort(), vres.files.map((f) => path.basename(f.file)).sort());
    const codes = [];
    for (const f of vres.files) codes.push(...(await readFrameCodes(f.file)));
    assert.deepEqual(codes, shown);
  });

  test('images are upright; --count with a contact sheet (grid with timecodes)', async () => {
    const dir = path.join(out.dir, 'sheet');
    mkdirSync(dir);
    const r = await cli([
      'frames',
      await rotatedTagged(),
      '--count',
      '6',
      '--width',
      '120',
      '--contact-sheet',
      '--columns',
      '3',
      '-o',
      dir,
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const res = JSON.parse(r.stdout) as { files: Array<{ file: string }>; contactSheet: string };
    assert.equal(res.files.length, 6);
    const [w, h] = await dims(res.files[0]!.file);
    assert.equal(w, 120);
    assert.equal(h, 160, 'upright: a 320x240 picture rotated by 90° is 240 wide, 320 high');
    const [sw, sh] = await dims(res.contactSheet);
    // 3 columns × 2 rows of 320-pixel-wide tiles (upright 320x427) with 4 px margins and padding.
    assert.equal(sw, 3 * 320 + 2 * 4 + 2 * 4);
    assert.ok(sh > 2 * 400, `sheet height ${sh}`);
  });
});

describe('framewise merge', () => {
  const lib = tempDir();
  const out = tempDir('framewise-merge-out-');
  after(() => {
    lib.cleanup();
    out.cleanup();
  });
  const cli = (args: string[]) => runCli(['--data-dir', lib.dir, ...args]);
  const streams = async (file: string) =>
    (
      JSON.parse(
        (await execFileAsync(await ffprobePath(), ['-v', 'error', '-count_packets', '-show_streams', '-of', 'json', file])).stdout,
      ) as { streams: Array<{ codec_type: string; duration: string; width?: number; height?: number; nb_read_packets: string }> }
    ).streams;

  test('matching inputs are joined losslessly (stream copy)', async () => {
    const a = await short();
    const dest = path.join(out.dir, 'copy.mp4');
    const r = await cli(['merge', a, a, '-o', dest, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { method: string }).method, 'copy');
    const s = await streams(dest);
    const src = await streams(a);
    assert.equal(Number(s[0]!.nb_read_packets), 2 * Number(src[0]!.nb_read_packets));
    // Never over a file (issue 12): the same name again is refused before anything runs, the file unchanged.
    const before = statSync(dest);
    const again = await cli(['merge', a, a, a, '-o', dest]);
    assert.equal(again.code, 1);
    assert.ok(again.stderr.includes(`${dest} already exists; it was not overwritten`), again.stderr);
    assert.deepEqual([statSync(dest).size, statSync(dest).mtimeMs], [before.size, before.mtimeMs]);
    assert.deepEqual(
      readdirSync(out.dir).filter((f) => f.startsWith('.')),
      [],
      'no temp file left',
    );
  });

  test('different inputs are re-encoded to the first one’s size with padding; a silent track keeps sync', async () => {
    const dest = path.join(out.dir, 'mixed.mp4');
    const r = await cli(['merge', await short(), await rotatedTagged(), await anamorphicSilent(), '-o', dest, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const res = JSON.parse(r.stdout) as { method: string; duration: number };
    assert.equal(res.method, 'reencode');
    const s = await streams(dest);
    const v = s.find((x) => x.codec_type === 'video')!;
    const a = s.find((x) => x.codec_type === 'audio')!;
    assert.deepEqual([v.width, v.height], [320, 240]);
    assert.ok(Math.abs(Number(v.duration) - 5) <= 0.04, `video ${v.duration}`);
    assert.ok(Math.abs(Number(a.duration) - Number(v.duration)) <= 0.04, `audio ${a.duration} vs video ${v.duration}`);
    // The rotated part is upright and letterboxed (pillars left and right), not stretched: black at x=10 in the middle second.
    const { stdout } = await execFileAsync(
      await ffmpegPath(),
      ['-v', 'error', '-ss', '2', '-i', dest, '-frames:v', '1', '-vf', 'crop=20:240:0:0,format=gray', '-f', 'rawvideo', 'pipe:1'],
      { encoding: 'buffer' },
    );
    const b = stdout as Buffer;
    assert.ok(b.reduce((m, x) => Math.max(m, x), 0) < 40, 'pillarbox at the left edge');
  });

  test('text subtitles travel along: each file’s cues at its place (copy into Matroska, SubRip and ASS; re-encode into MP4)', async () => {
    // Two 4 s files with cues at 0.5–1.5 s and 2.5–3.5 s, copied: the second file's cues 4 s later.
    const mkv = path.join(out.dir, 'subs.mkv');
    const copy = await cli(['merge', await subtitledMkv(), await subtitledMkv(), '-o', mkv, '--json']);
    assert.equal(copy.code, 0, copy.stderr);
    assert.equal((JSON.parse(copy.stdout) as { method: string }).method, 'copy');
    const m = await subtitleCues(mkv);
    assert.deepEqual(m.codecs, ['subrip', 'ass']);
    // (Each Matroska part is 4.021 s long: its picture starts 21 ms in, where its audio's priming ends. ASS keeps
    // centiseconds, so its cut ends may be up to 10 ms early, plus 1 ms of the container's rounding.)
    const near = (actual: Array<[number, number]>, expected: number[][], what: string, tolerance: number) =>
      assert.ok(
        actual.length === expected.length && actual.every((c, k) => c.every((t, j) => Math.abs(t - expected[k]![j]!) <= tolerance)),
        `${what}: ${JSON.stringify(actual)}`,
      );
    const later = (d: number) => [
      [0.5, 1.5],
      [2.5, 3.5],
      [d + 0.5, d + 1.5],
      [d + 2.5, d + 3.5],
    ];
    near(m.cues[0]!, later(4.021), 'SubRip', 0.002);
    near(m.cues[1]!, later(4.021), 'ASS', 0.015);
    // A 1 s file first, then the subtitled one, re-encoded: its cues 1 s later; the first adds none.
    const mp4 = path.join(out.dir, 'subs-reencoded.mp4');
    const re = await cli(['merge', await short(), await subtitledMedia(), '-o', mp4, '--reencode', '--json']);
    assert.equal(re.code, 0, re.stderr);
    const r = await subtitleCues(mp4);
    assert.deepEqual(r.codecs, ['mov_text']);
    near(
      r.cues[0]!,
      [
        [1.5, 2.5],
        [3.5, 4.5],
      ],
      'mov_text',
      0.002,
    );
  });
});
