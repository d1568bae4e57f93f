import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writePrivateThumbnail, thumbnailTime } from '../../core/library/private-thumbnail.js';
import { openTempCore, tempDir, thumbnailPath } from '../helpers/library.js';
import { generated, lavfi, media } from '../helpers/media.js';
import { importNotingSpawns } from '../helpers/import-spawns.js';

/**
 * An MP4/MOV import starts its thumbnail keyframe run alongside ffprobe (from the movie header's duration) and
 * keeps it only when the probe's facts ask for exactly that run. The real spawn runs; the test notes each one
 * (in order, with its arguments and the child, to see that none outlives the import).
 */
describe('import: the thumbnail keyframe run speculates alongside ffprobe', () => {
  let lib: Awaited<ReturnType<typeof openTempCore>>;
  const tmp = tempDir();
  before(async () => {
    lib = await openTempCore({ concurrency: 1 });
  });
  after(async () => {
    await lib.close();
    tmp.cleanup();
  });

  async function importNoting(file: string) {
    const { job, spawns } = await importNotingSpawns(lib.core, file);
    const ffprobe = lib.core.services.ffmpeg.tools.ffprobe.path;
    const order = spawns.map((s) => (s.file === ffprobe ? 'ffprobe' : s.args.includes(file) ? 'keyframes' : 'other'));
    const keyframeRuns = spawns.filter((s) => s.file !== ffprobe && s.args.includes(file) && s.args.includes('-filter_complex'));
    return { job, spawns, order, keyframeRuns };
  }

  /** The thumbnail made the normal way (sized from the probe, no speculation), as JPEG bytes. */
  async function referenceThumbnail(file: string): Promise<Buffer> {
    const ffmpeg = lib.core.services.ffmpeg;
    const info = await ffmpeg.probe(file);
    const out = path.join(tmp.dir, `${path.basename(file)}.jpg`);
    await writePrivateThumbnail(
      ffmpeg,
      file,
      {
        duration: info.duration,
        width: info.video!.displayWidth,
        height: info.video!.displayHeight,
        at: thumbnailTime(info.duration),
        headerStart: info.fileStart ?? 0,
      },
      out,
    );
    return readFile(out);
  }

  async function importedThumbnail(videoId: number): Promise<Buffer> {
    return readFile(await thumbnailPath(lib.core, videoId));
  }

  it('starts the keyframe run before ffprobe and keeps it when the probe agrees (one run)', async () => {
    const file = await media.mp4(4);
    const { job, order, keyframeRuns } = await importNoting(file);
    assert.equal(job.state, 'succeeded', JSON.stringify(job.error));
    assert.ok(order.indexOf('keyframes') >= 0 && order.indexOf('keyframes') < order.indexOf('ffprobe'), `spawn order: ${order.join(', ')}`);
    assert.equal(keyframeRuns.length, 1, 'the speculative run is kept: no second keyframe run');
    assert.ok(keyframeRuns[0]!.args.join(' ').includes('scale=320:-2:'), 'its height is the one ffmpeg derives');
    const videoId = (job.output as { videoId: number }).videoId;
    assert.deepEqual(await importedThumbnail(videoId), await referenceThumbnail(file));
  });

  it('keeps it for a rotated video (display size from the picture): a portrait thumbnail, as the normal run makes', async () => {
    const file = await media.rotated();
    const { job, keyframeRuns } = await importNoting(file);
    assert.equal(job.state, 'succeeded', JSON.stringify(job.error));
    assert.equal(keyframeRuns.length, 1);
    const videoId = (job.output as { videoId: number }).videoId;
    assert.deepEqual(await importedThumbnail(videoId), await referenceThumbnail(file));
  });

  it('discards it when the probe disagrees (a file whose timeline starts at 0.5 s): the right thumbnail, the run killed', async () => {
    // Keyframes every second from 0.5 s; the thumbnail's time 1.25 s (a tenth of 12.5 s): a seek that forgot the
    // start shows the keyframe at 0.5 s, not the one at 1.5 s.
    const file = await media.h264StartingLate(12, '160x120');
    const { job, order, keyframeRuns } = await importNoting(file);
    assert.equal(job.state, 'succeeded', JSON.stringify(job.error));
    const videoId = (job.output as { videoId: number }).videoId;
    assert.deepEqual(await importedThumbnail(videoId), await referenceThumbnail(file), "the thumbnail the probe's facts give");
    assert.equal(keyframeRuns.length, 2, `spawn order: ${order.join(', ')}`);
    assert.ok(keyframeRuns[0]!.args.join(' ').includes('scale=320:-2:'));
    assert.ok(!keyframeRuns[1]!.args.join(' ').includes('scale=320:-2:'), 'run again, sized from the probe');
    for (const r of keyframeRuns) assert.ok(r.exited(), 'no keyframe run outlives the import');
  });

  it('a failed import (an MP4 with no video) leaves no child running', async () => {
    const file = await generated('audio-only-as.mp4', (out) => [...lavfi.tone(2), '-c:a', 'aac', out]);
    const { job, spawns, order } = await importNoting(file);
    assert.equal(job.state, 'failed');
    assert.ok(order.includes('keyframes'), `the speculative run started: ${order.join(', ')}`);
    for (const s of spawns) assert.ok(s.exited(), `a child still running: ${s.args.join(' ')}`);
  });
});
