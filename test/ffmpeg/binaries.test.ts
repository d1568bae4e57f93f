import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { binaryCapabilities, parseVersionOutput } from '../../core/ffmpeg/capabilities.js';
import { FfmpegFeatures } from '../../core/ffmpeg/features.js';
import type { LibraryInfo } from '../../core/api/commands.js';
import { runCli } from '../helpers/cli.js';
import { requireEnvironment } from '../helpers/environment.js';

const require = createRequire(import.meta.url);
const BUNDLED_FFMPEG = (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
const DEBIAN_FFMPEG = '/usr/bin/ffmpeg';
const tmp = mkdtempSync(path.join(os.tmpdir(), 'framewise-binaries-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function debianIsCurrent(): boolean {
  if (!existsSync(DEBIAN_FFMPEG)) return false;
  const { release } = parseVersionOutput(execFileSync(DEBIAN_FFMPEG, ['-hide_banner', '-version'], { encoding: 'utf8' }));
  return release !== null && (release[0] > 5 || (release[0] === 5 && release[1] >= 1));
}

/** `framewise status` in a fresh library, with the given environment (FRAMEWISE_FFMPEG etc. cleared first). */
async function status(env: NodeJS.ProcessEnv, json: boolean) {
  const dataDir = mkdtempSync(path.join(tmp, 'lib-'));
  const r = await runCli(['status', '--data-dir', dataDir, ...(json ? ['--json'] : [])], {
    env: { FRAMEWISE_FFMPEG: '', FRAMEWISE_FFPROBE: '', FRAMEWISE_CACHE_DIR: path.join(tmp, 'cache'), ...env },
  });
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

describe('choosing ffmpeg and ffprobe', () => {
  it('prefers a current PATH ffmpeg (Debian 5.1) over the 2018 npm build by itself, as a pair, and says why', async (t) => {
    if (!requireEnvironment(t, debianIsCurrent(), 'needs ffmpeg ≥ 5.1 at /usr/bin/ffmpeg (apt install ffmpeg)')) return;
    const env = { PATH: `/usr/bin:${process.env.PATH ?? ''}` };
    const info = JSON.parse(await status(env, true)) as LibraryInfo;
    assert.equal(info.ffmpeg.source, 'system');
    assert.equal(info.ffmpeg.path, DEBIAN_FFMPEG);
    assert.equal(info.ffprobe.path, '/usr/bin/ffprobe', 'ffprobe is taken from the same place');
    assert.match(info.ffmpeg.reason, /≥ 5\.1.*capability check.*preferred over the npm-bundled build/);
    assert.ok((info.ffmpeg.buildYear ?? 0) >= 2022);
    assert.deepEqual(info.ffmpegWarnings, []);
    assert.equal(info.ffmpegFeatures['subtitles.burnIn'].available, true, 'Debian builds ffmpeg with libass');
    const text = await status(env, false);
    assert.match(text, /^ffmpeg: +5\.1[^\n]*system: \/usr\/bin\/ffmpeg\n +why: the PATH ffmpeg is 5\.1/m);
    assert.doesNotMatch(text, /warning/);
  });

  it('warns when FRAMEWISE_FFMPEG points at the 2018 build, and still pairs a current ffprobe', async () => {
    const info = JSON.parse(await status({ FRAMEWISE_FFMPEG: BUNDLED_FFMPEG }, true)) as LibraryInfo;
    assert.equal(info.ffmpeg.source, 'env');
    assert.equal(info.ffmpeg.buildYear, 2018);
    assert.match(info.ffmpeg.reason, /FRAMEWISE_FFMPEG/);
    assert.equal(info.ffmpegWarnings.length >= 1, true);
    assert.match(info.ffmpegWarnings[0] ?? '', /build from 2018, older than 2022.*security fixes/);
    const text = await status({ FRAMEWISE_FFMPEG: BUNDLED_FFMPEG }, false);
    assert.match(text, /^warning: +ffmpeg N-47683\S* \(env: .*build from 2018/m);
  });

  it('does not use a PATH ffmpeg older than 5.1: falls back to the npm build and names the rejected one', async () => {
    const bin = mkdtempSync(path.join(tmp, 'path-'));
    symlinkSync(BUNDLED_FFMPEG, path.join(bin, 'ffmpeg')); // a real 2018 build (4.1 line) on PATH
    const info = JSON.parse(await status({ PATH: bin }, true)) as LibraryInfo;
    assert.equal(info.ffmpeg.source, 'bundled');
    assert.match(info.ffmpeg.reason, /fallback.*PATH ffmpeg .*N-47683.* is older than 5\.1/);
    assert.ok(info.ffmpegWarnings.some((w) => /older than 2022/.test(w)));
  });

  it('fails clearly when an explicit binary does not run', async () => {
    const dataDir = mkdtempSync(path.join(tmp, 'lib-'));
    const r = await runCli(['status', '--data-dir', dataDir, '--ffmpeg', '/nonexistent/ffmpeg'], { env: { FRAMEWISE_FFMPEG: '' } });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /No working ffmpeg found.*\/nonexistent\/ffmpeg/);
  });
});

describe('capability check', () => {
  it('reads the version line of release and git builds (release line from libavcodec, build year)', () => {
    const bundled = parseVersionOutput(execFileSync(BUNDLED_FFMPEG, ['-hide_banner', '-version'], { encoding: 'utf8' }));
    assert.deepEqual([bundled.release, bundled.buildYear], [[4, 1], 2018]);
    assert.deepEqual(parseVersionOutput('ffmpeg version n7.1 Copyright (c) 2000-2024 the FFmpeg developers').release, [7, 1]);
  });

  it('is cached on disk per binary and mtime: a cached entry is used without running, a touched binary is checked again', async () => {
    const cache = path.join(tmp, 'cap-cache');
    const prev = process.env.FRAMEWISE_CACHE_DIR;
    process.env.FRAMEWISE_CACHE_DIR = cache;
    try {
      const copy = path.join(tmp, 'ffmpeg-copy');
      copyFileSync(BUNDLED_FFMPEG, copy);
      const st = statSync(copy);
      const planted = { version: 'planted', release: null, buildYear: null, encoders: ['only-this'], decoders: [], filters: [] };
      mkdirSync(cache, { recursive: true });
      writeFileSync(
        path.join(cache, 'ffmpeg-capabilities.json'),
        JSON.stringify({ [`ffmpeg|${copy}`]: { mtimeMs: st.mtimeMs, size: st.size, caps: planted } }),
      );
      const cached = await binaryCapabilities(copy, 'ffmpeg');
      assert.equal(cached.version, 'planted', 'the disk cache was used (the binary was not run)');
      utimesSync(copy, new Date(), new Date(Date.now() + 5000));
      const fresh = await binaryCapabilities(copy, 'ffmpeg');
      assert.match(fresh.version, /^N-47683/);
      assert.ok(fresh.encoders.includes('libx264') && fresh.filters.includes('drawbox'));
      const stored = JSON.parse(readFileSync(path.join(cache, 'ffmpeg-capabilities.json'), 'utf8')) as Record<
        string,
        { caps: { version: string } }
      >;
      assert.match(stored[`ffmpeg|${copy}`]?.caps.version ?? '', /^N-47683/, 'the new result replaced the stale entry');
    } finally {
      if (prev === undefined) delete process.env.FRAMEWISE_CACHE_DIR;
      else process.env.FRAMEWISE_CACHE_DIR = prev;
    }
  });

  it('answers "is encoder X / filter Y / feature F available" and refuses a feature naming what is missing', async () => {
    const real = new FfmpegFeatures(await binaryCapabilities(BUNDLED_FFMPEG, 'ffmpeg'));
    assert.equal(real.hasEncoder('libx264'), true);
    assert.equal(real.hasDecoder('h264'), true);
    assert.equal(real.hasFilter('silencedetect'), true);
    assert.equal(real.hasFilter('no-such-filter'), false);
    assert.doesNotThrow(() => real.require('subtitles.burnIn'));
    const noLibass = new FfmpegFeatures({ encoders: ['libx264'], decoders: [], filters: ['scale'] }, '/opt/ffmpeg');
    assert.deepEqual(noLibass.status('subtitles.burnIn'), { available: false, missing: ['filter subtitles'] });
    assert.throws(
      () => noLibass.require('subtitles.burnIn'),
      (e: Error & { code?: string }) =>
        e.code === 'ffmpeg_feature_missing' && /subtitles\.burnIn is disabled.*\/opt\/ffmpeg.*filter subtitles/.test(e.message),
    );
    assert.deepEqual(noLibass.check({ encoders: ['libx264', 'libvpx-vp9'] }).missing, ['encoder libvpx-vp9']);
  });
});
