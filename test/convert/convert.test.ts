import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, describe, test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { isRoot, mountTmpfs, requireEnvironment } from '../helpers/environment.js';
import { tempDir } from '../helpers/library.js';
import { ffmpegPath, ffprobePath } from '../helpers/media.js';
import { anamorphicSilent, fullRange, rotatedTagged, short, withSubtitlesAndChapters } from './media.js';

const execFileAsync = promisify(execFile);

interface Probe {
  streams: Array<{
    codec_type: string;
    codec_name: string;
    width?: number;
    height?: number;
    sample_aspect_ratio?: string;
    color_range?: string;
    side_data_list?: Array<{ rotation?: number }>;
    tags?: Record<string, string>;
    nb_frames?: string;
  }>;
  format: { duration: string; tags?: Record<string, string> };
}
async function probe(file: string): Promise<Probe> {
  const { stdout } = await execFileAsync(await ffprobePath(), ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', file]);
  return JSON.parse(stdout) as Probe;
}
const video = (p: Probe) => p.streams.find((s) => s.codec_type === 'video')!;
const codecs = (p: Probe) => p.streams.map((s) => `${s.codec_type}:${s.codec_name}`);

describe('framewise convert', () => {
  const lib = tempDir();
  const out = tempDir('framewise-convert-out-');
  after(() => {
    lib.cleanup();
    out.cleanup();
  });
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(['--data-dir', lib.dir, ...args], { env });

  test('--list-presets lists every preset with its encoders, available in the ffmpeg in use', async () => {
    const r = await cli(['convert', '--list-presets', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const list = JSON.parse(r.stdout) as Array<{ name: string; available: boolean }>;
    const names = list.map((p) => p.name);
    for (const n of [
      'mp4-h264',
      'mp4-hevc',
      'webm-vp9',
      'mov-prores',
      'mp4-intra',
      'audio-wav',
      'audio-mp3',
      'audio-aac',
      'audio-flac',
      'remux-mkv',
      'remux-mp4',
    ])
      assert.ok(names.includes(n), n);
    assert.ok(list.every((p) => p.available));
  });

  test('rotation is applied once, tags copied except stripped ones', async () => {
    const src = await rotatedTagged();
    const dest = path.join(out.dir, 'upright.mp4');
    const r = await cli(['convert', src, '--preset', 'mp4-h264', '-o', dest, '--strip', 'title', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const p = await probe(dest);
    const v = video(p);
    assert.deepEqual([v.width, v.height], [240, 320], 'stored upright');
    assert.ok(!(v.side_data_list ?? []).some((d) => d.rotation), 'no rotation left to apply');
    assert.equal(v.tags?.rotate, undefined);
    assert.equal(p.format.tags?.title, undefined, 'stripped');
    assert.equal(p.format.tags?.comment, 'kept comment');
  });

  test('subtitles and chapters are kept where the container allows (mp4: mov_text, mkv: SubRip or copy, webm: webvtt)', async () => {
    const src = await withSubtitlesAndChapters();
    const chaptersOf = async (f: string) =>
      (
        JSON.parse((await execFileAsync(await ffprobePath(), ['-v', 'error', '-show_chapters', '-of', 'json', f])).stdout) as {
          chapters: unknown[];
        }
      ).chapters.length;
    assert.equal(await chaptersOf(src), 2);
    for (const [preset, ext, sub] of [
      ['mp4-h264', '.mp4', 'mov_text'],
      ['remux-mkv', '.mkv', 'subrip'],
      ['webm-vp9', '.webm', 'webvtt'],
    ] as const) {
      const dest = path.join(out.dir, `subs-${preset}${ext}`);
      const r = await cli(['convert', src, '--preset', preset, '-o', dest]);
      assert.equal(r.code, 0, `${preset}: ${r.stderr}`);
      const p = await probe(dest);
      assert.deepEqual(
        p.streams.filter((s) => s.codec_type === 'subtitle').map((s) => s.codec_name),
        [sub],
        preset,
      );
      assert.equal(await chaptersOf(dest), 2, `${preset} chapters`);
    }
    const stripped = path.join(out.dir, 'subs-stripped.mp4');
    assert.equal((await cli(['convert', src, '--preset', 'mp4-h264', '--strip', 'all', '-o', stripped])).code, 0);
    assert.equal(await chaptersOf(stripped), 0);
    assert.equal((await probe(stripped)).format.tags?.title, undefined);
  });

  test('a size limit keeps the display aspect (anamorphic source → square pixels); colour range kept', async () => {
    const dest = path.join(out.dir, 'small.mp4');
    const r = await cli(['convert', await anamorphicSilent(), '--preset', 'mp4-h264', '--max-height', '120', '-o', dest]);
    assert.equal(r.code, 0, r.stderr);
    const v = video(await probe(dest));
    assert.equal(v.height, 120);
    assert.equal(v.width, 320, '640x240 display → 320x120');
    assert.ok(!v.sample_aspect_ratio || v.sample_aspect_ratio === '1:1', v.sample_aspect_ratio);

    const full = path.join(out.dir, 'full.mp4');
    const f = await cli(['convert', await fullRange(), '--preset', 'mp4-h264', '-o', full]);
    assert.equal(f.code, 0, f.stderr);
    assert.equal(video(await probe(full)).color_range, 'pc');
  });

  test('each preset writes its codecs; mp4-intra makes every frame a keyframe; remux copies', async () => {
    const src = await short();
    const expect: Record<string, { ext: string; codecs: string[] }> = {
      'mp4-hevc': { ext: '.mp4', codecs: ['video:hevc', 'audio:aac'] },
      'webm-vp9': { ext: '.webm', codecs: ['video:vp9', 'audio:opus'] },
      'mov-prores': { ext: '.mov', codecs: ['video:prores', 'audio:pcm_s16le'] },
      'mp4-intra': { ext: '.mp4', codecs: ['video:h264', 'audio:aac'] },
      'audio-wav': { ext: '.wav', codecs: ['audio:pcm_s16le'] },
      'audio-mp3': { ext: '.mp3', codecs: ['audio:mp3'] },
      'audio-aac': { ext: '.m4a', codecs: ['audio:aac'] },
      'audio-flac': { ext: '.flac', codecs: ['audio:flac'] },
      'remux-mkv': { ext: '.mkv', codecs: ['video:h264', 'audio:aac'] },
    };
    for (const [preset, e] of Object.entries(expect)) {
      const dest = path.join(out.dir, `p-${preset}${e.ext}`);
      const r = await cli(['convert', src, '--preset', preset, '-o', dest]);
      assert.equal(r.code, 0, `${preset}: ${r.stderr}`);
      assert.deepEqual(codecs(await probe(dest)), e.codecs, preset);
    }
    const { stdout } = await execFileAsync(await ffprobePath(), [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-show_entries',
      'packet=flags',
      '-of',
      'csv=p=0',
      path.join(out.dir, 'p-mp4-intra.mp4'),
    ]);
    const flags = stdout.trim().split('\n');
    assert.equal(flags.length, 25);
    assert.ok(
      flags.every((f) => f.startsWith('K')),
      'every packet a keyframe',
    );
    // remux back to mp4 from mkv, no re-encode: identical video packet sizes
    const back = path.join(out.dir, 'back.mp4');
    assert.equal((await cli(['convert', path.join(out.dir, 'p-remux-mkv.mkv'), '--preset', 'remux-mp4', '-o', back])).code, 0);
    const sizes = async (f: string) =>
      (
        await execFileAsync(await ffprobePath(), [
          '-v',
          'error',
          '-select_streams',
          'v:0',
          '-show_entries',
          'packet=size',
          '-of',
          'csv=p=0',
          f,
        ])
      ).stdout;
    assert.equal(await sizes(back), await sizes(src));
  });

  test('a preset whose encoder the ffmpeg in use lacks is refused before starting', async () => {
    // The real ffmpeg, with libx265 hidden from its encoder list (as in a build without x265).
    const wrapper = path.join(out.dir, 'ffmpeg-no-x265');
    writeFileSync(
      wrapper,
      `#!/bin/sh\nfor a in "$@"; do if [ "$a" = "-encoders" ]; then "${await ffmpegPath()}" "$@" | grep -v libx265; exit 0; fi; done\nexec "${await ffmpegPath()}" "$@"\n`,
    );
    chmodSync(wrapper, 0o755);
    const dest = path.join(out.dir, 'never.mp4');
    const r = await cli(['convert', await short(), '--preset', 'mp4-hevc', '-o', dest, '--json'], { FRAMEWISE_FFMPEG: wrapper });
    assert.equal(r.code, 1);
    assert.match(
      r.stdout + r.stderr,
      new RegExp(`Cannot convert ${path.basename(await short())}: Preset "mp4-hevc" needs the libx265 encoder`),
    );
    assert.match(r.stdout + r.stderr, /unsupported_encoder/);
    assert.ok(!existsSync(dest));
  });

  test('batch over a glob: one job per file, one summary naming each failure; missing output folder refused', async () => {
    const dir = path.join(out.dir, 'batch-in');
    const dest = path.join(out.dir, 'batch-out');
    await execFileAsync('mkdir', ['-p', dir, dest]);
    copyFileSync(await short(), path.join(dir, 'a.mp4'));
    copyFileSync(await short(), path.join(dir, 'b.mp4'));
    writeFileSync(path.join(dir, 'broken.mp4'), 'not a video');
    const r = await cli(['convert', path.join(dir, '*.mp4'), '--preset', 'audio-wav', '-o', dest, '--json']);
    assert.equal(r.code, 1);
    const res = JSON.parse(r.stdout) as { summary: { done: number; failed: number; failures: Array<{ input: string; reason: string }> } };
    assert.equal(res.summary.done, 2);
    assert.equal(res.summary.failed, 1);
    assert.match(res.summary.failures[0]!.input, /broken\.mp4$/);
    assert.match(res.summary.failures[0]!.reason, /broken\.mp4/);
    assert.deepEqual(readdirSync(dest).sort(), ['a.wav', 'b.wav']);

    const missing = await cli(['convert', path.join(dir, '*.mp4'), '--preset', 'audio-wav', '-o', path.join(out.dir, 'nope'), '--json']);
    assert.equal(missing.code, 1);
    assert.match(missing.stdout + missing.stderr, /output folder .*nope does not exist/);
  });

  test('saved presets: save, list, use, delete', async () => {
    const s = await cli(['convert', '--save-preset', 'small-web', '--preset', 'mp4-h264', '--max-height', '120', '--crf', '30']);
    assert.equal(s.code, 0, s.stderr);
    const list = JSON.parse((await cli(['convert', '--list-presets', '--json'])).stdout) as Array<{ name: string; builtin: boolean }>;
    assert.ok(list.some((p) => p.name === 'small-web' && !p.builtin));
    const dest = path.join(out.dir, 'saved.mp4');
    assert.equal((await cli(['convert', await short(), '--preset', 'small-web', '-o', dest])).code, 0);
    assert.equal(video(await probe(dest)).height, 120);
    assert.equal((await cli(['convert', '--delete-preset', 'small-web'])).code, 0);
    assert.equal((await cli(['convert', await short(), '--preset', 'small-web', '-o', dest])).code, 2, 'unknown preset: a usage error');
  });

  test('a full output disk fails with "disk full in <folder>" and leaves nothing', async (t) => {
    if (!requireEnvironment(t, isRoot, 'mounting a tmpfs needs root')) return;
    const small = path.join(out.dir, 'tiny');
    await execFileAsync('mkdir', ['-p', small]);
    const unmount = mountTmpfs(small, 'size=64k');
    try {
      const r = await cli(['convert', await short(), '--preset', 'mov-prores', '-o', path.join(small, 'x.mov'), '--json']);
      assert.equal(r.code, 1);
      assert.match(r.stdout + r.stderr, /disk full in .*tiny/);
      assert.deepEqual(readdirSync(small), []);
    } finally {
      unmount();
    }
  });
});

describe('cancel', () => {
  test('cancelling a conversion kills ffmpeg at once and leaves no partial file', async () => {
    const { openTempCore } = await import('../helpers/library.js');
    const { liveChildPids } = await import('../../core/ffmpeg/process.js');
    const { media } = await import('../helpers/media.js');
    const src = await media.slowToConvert();
    const lib = await openTempCore();
    const out = tempDir('framewise-cancel-');
    try {
      const started = await lib.core.call('convert.start', { inputs: [src], preset: 'webm-vp9', output: path.join(out.dir, 'x.webm') });
      const id = started.jobs[0]!.jobId;
      const deadline = Date.now() + 30_000;
      while ((await lib.core.services.jobs.get(id)).progress <= 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert.ok(liveChildPids().length > 0, 'ffmpeg is running');
      const t0 = Date.now();
      await lib.core.call('jobs.cancel', { id });
      const job = await lib.core.services.jobs.waitFor(id, 30_000);
      assert.equal(job.state, 'cancelled');
      assert.ok(Date.now() - t0 < 5000, 'stopped promptly');
      assert.deepEqual(liveChildPids(), []);
      assert.deepEqual(readdirSync(out.dir), []);
    } finally {
      await lib.close();
      out.cleanup();
    }
  });
});
