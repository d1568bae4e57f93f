import assert from 'node:assert/strict';
import { copyFile, mkdir, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { importOutput } from '../../core/library/import-job.js';
import { makeBrokenFiles } from '../helpers/broken.js';
import { importAndWait, openTempCore, tempDir } from '../helpers/library.js';
import { media } from '../helpers/media.js';
import type { Core } from '../../core/core.js';

async function importOne(core: Core, file: string, copy = false) {
  const [job] = await importAndWait(core, [file], copy);
  assert.ok(job);
  return job;
}

function outputOf(job: { output: unknown }) {
  return importOutput.parse(job.output);
}

describe('import and probe', () => {
  let lib: Awaited<ReturnType<typeof openTempCore>>;
  const scratch = tempDir('framewise-import-');
  before(async () => {
    lib = await openTempCore();
  });
  after(async () => {
    await lib.close();
    scratch.cleanup();
  });

  it('probes an MP4 (H.264 + AAC): duration, exact fps, size, streams, hash and thumbnail', async () => {
    const file = await media.mp4(4);
    const job = await importOne(lib.core, file);
    assert.equal(job.state, 'succeeded', JSON.stringify(job.error));
    const { videoId, status } = outputOf(job);
    assert.equal(status, 'imported');
    const v = await lib.core.call('videos.get', { video: videoId });
    assert.equal(v.width, 320);
    assert.equal(v.height, 240);
    assert.equal(v.fps?.text, '25/1');
    assert.ok(Math.abs(v.duration - 4) < 0.1, `duration ${v.duration}`);
    assert.equal(v.videoCodec, 'h264');
    assert.equal(v.audioStreams, 1);
    assert.match(v.sha256, /^[0-9a-f]{64}$/);
    const thumb = v.artifacts.find((a) => a.kind === 'thumbnail');
    assert.ok(thumb, 'thumbnail artifact');
    assert.ok((await stat(thumb.path)).size > 500);
    // The exact frame count arrives from a background job.
    const fc = (await lib.core.call('jobs.list', { videoId, kind: 'frame-count' }))[0];
    assert.ok(fc);
    await lib.core.services.jobs.waitFor(fc.id, 60_000);
    const after = await lib.core.call('videos.get', { video: videoId });
    assert.equal(after.frameCount, 100);
    assert.equal(after.frameCountExact, true);
  });

  it('reads MKV (VP9 + Opus) with an NTSC fraction fps, MOV and WebM', async () => {
    const mkv = outputOf(await importOne(lib.core, await media.mkvVp9Opus(3)));
    const v = await lib.core.call('videos.get', { video: mkv.videoId });
    assert.equal(v.fps?.text, '30000/1001');
    assert.equal(v.videoCodec, 'vp9');
    assert.match(v.container, /matroska/);
    assert.equal(v.audioStreams, 1);
    for (const f of [await media.mov(2), await media.webm(2)]) {
      const job = await importOne(lib.core, f);
      assert.equal(job.state, 'succeeded', `${f}: ${JSON.stringify(job.error)}`);
      const d = await lib.core.call('videos.get', { video: outputOf(job).videoId });
      assert.ok(Math.abs(d.duration - 2) < 0.15, `${f} duration ${d.duration}`);
    }
  });

  it('gives rotated phone video its display size', async () => {
    const job = await importOne(lib.core, await media.rotated());
    const v = await lib.core.call('videos.get', { video: outputOf(job).videoId });
    assert.equal(v.width, 320);
    assert.equal(v.height, 240);
    assert.equal(v.displayWidth, 240);
    assert.equal(v.displayHeight, 320);
    assert.ok(v.rotation === 90 || v.rotation === 270, `rotation ${v.rotation}`);
  });

  it('gives variable-frame-rate video its true duration and flags it', async () => {
    const job = await importOne(lib.core, await media.vfr());
    const v = await lib.core.call('videos.get', { video: outputOf(job).videoId });
    assert.ok(Math.abs(v.duration - 2) < 0.15, `duration ${v.duration}`);
    assert.equal(v.variableFrameRate, true);
  });

  it('does not import the same content twice, and re-links a moved file', async () => {
    const src = await media.mp4(3, 'dup-source.mp4');
    const a = path.join(scratch.dir, 'a.mp4');
    await copyFile(src, a);
    const first = outputOf(await importOne(lib.core, a));
    assert.equal(first.status, 'imported');
    const again = outputOf(await importOne(lib.core, a));
    assert.deepEqual([again.status, again.videoId], ['duplicate', first.videoId]);
    const copyPath = path.join(scratch.dir, 'copy-of-a.mp4');
    await copyFile(a, copyPath);
    const copy = outputOf(await importOne(lib.core, copyPath));
    assert.deepEqual([copy.status, copy.videoId], ['duplicate', first.videoId]);
    const moved = path.join(scratch.dir, 'moved', 'a-renamed.mp4');
    await mkdir(path.dirname(moved), { recursive: true });
    await rename(a, moved);
    const relinked = outputOf(await importOne(lib.core, moved));
    assert.deepEqual([relinked.status, relinked.videoId], ['relinked', first.videoId]);
    const v = await lib.core.call('videos.get', { video: first.videoId });
    assert.equal(v.path, moved);
    const list = await lib.core.call('videos.list', {});
    assert.equal(list.videos.filter((x) => x.sha256 === v.sha256).length, 1);
  });

  it('copies into the library folder when asked, keeping the original untouched', async () => {
    const src = await media.mp4(2, 'copy-source.mp4');
    const before = await stat(src);
    const out = outputOf(await importOne(lib.core, src, true));
    const v = await lib.core.call('videos.get', { video: out.videoId });
    assert.equal(v.copied, true);
    assert.ok(v.path.startsWith(path.join(lib.dataDir, 'media')), v.path);
    assert.equal(v.originalPath, src);
    assert.equal((await stat(v.path)).size, before.size);
    assert.equal((await stat(src)).mtimeMs, before.mtimeMs);
  });

  it('reports each bad file with its own specific error and leaves no half-imported rows', async () => {
    const bad = await makeBrokenFiles(path.join(scratch.dir, 'bad'));
    const missing = path.join(scratch.dir, 'does-not-exist.mp4');
    const before = await lib.core.call('videos.list', {});
    const cases: Array<[string, string, RegExp]> = [
      [bad.empty, 'file_empty', /empty/],
      [bad.text, 'not_media', /not a video file/],
      [bad.truncated, 'truncated', /truncated/],
      [bad.audioOnly, 'no_video_stream', /audio-only/],
      [bad.undecodable, 'unsupported_codec', /codec/],
      [missing, 'file_missing', /does not exist/],
    ];
    for (const [file, code, message] of cases) {
      const job = await importOne(lib.core, file);
      assert.equal(job.state, 'failed', file);
      assert.equal(job.error?.code, code, `${file}: ${job.error?.message}`);
      assert.match(job.error!.message, message);
      assert.ok(job.error!.message.includes(file), 'the error names the file');
    }
    const afterList = await lib.core.call('videos.list', {});
    assert.equal(afterList.total, before.total, 'no rows for bad files');
    for (const [file] of cases)
      assert.ok(
        afterList.failedImports.some((f) => f.path === file),
        `failed import listed: ${file}`,
      );
    // Database consistency: no orphans, nothing left running, no temp folders.
    const db = lib.core.services.db.reader;
    const orphans = await db
      .selectFrom('artifacts')
      .leftJoin('videos', 'videos.id', 'artifacts.video_id')
      .where('videos.id', 'is', null)
      .select('artifacts.id')
      .execute();
    assert.equal(orphans.length, 0);
    const running = await db.selectFrom('jobs').select('id').where('state', '=', 'running').execute();
    assert.equal(running.length, 0);
  });

  it('imports a folder recursively, picking up media files only', async () => {
    const dir = path.join(scratch.dir, 'folder');
    await mkdir(path.join(dir, 'sub', 'deeper'), { recursive: true });
    await copyFile(await media.mp4(1, 'folder-a.mp4'), path.join(dir, 'a.mp4'));
    await copyFile(await media.webm(2), path.join(dir, 'sub', 'deeper', 'b.webm'));
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path.join(dir, 'sub', 'README.txt'), 'not a video');
    const res = await lib.core.call('videos.import', { paths: [dir] });
    assert.deepEqual(res.jobs.map((j) => path.relative(dir, j.path)).sort(), ['a.mp4', path.join('sub', 'deeper', 'b.webm')]);
  });
});
