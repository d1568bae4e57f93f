import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, linkSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { mountFat, requireEnvironment } from '../helpers/environment.js';
import { importAndWait, openTempCore, tempDir } from '../helpers/library.js';
import { gopMedia } from '../helpers/scenes.js';
import { publishNewFile, produceNewOutputFile } from '../../core/util/output-file.js';
import { FramewiseError } from '../../core/util/errors.js';

const isConflict = (e: unknown) => e instanceof FramewiseError && e.code === 'conflict';

/**
 * Removable drives are FAT or exFAT: no hard links, so new outputs cannot be published by link(2), and rename(2)
 * there replaces an existing file. On real such file systems (FUSE-mounted images) outputs still never overwrite.
 */
for (const kind of ['fat', 'exfat'] as const) {
  test(`${kind} drive (no hard links): outputs are published without ever replacing a file; a clips export works there`, async (t) => {
    const scratch = tempDir(`framewise-${kind}-`);
    const drive = path.join(scratch.dir, 'drive');
    mkdirSync(drive);
    const mounted = mountFat(kind, drive);
    if ('reason' in mounted) {
      scratch.cleanup();
      // Under CI a drive that cannot be mounted fails the test (a skip would prove nothing).
      requireEnvironment(t, false, mounted.reason);
      return;
    }
    let lib: Awaited<ReturnType<typeof openTempCore>> | null = null;
    try {
      // The file system refuses hard links and lets rename replace a file: what the fallback has to cope with.
      writeFileSync(path.join(drive, 'a'), 'a');
      assert.throws(() => linkSync(path.join(drive, 'a'), path.join(drive, 'b')), /EPERM|ENOSYS|ENOTSUP|EOPNOTSUPP/);

      // Published under its name; the temp name is gone.
      writeFileSync(path.join(drive, '.one.partial'), 'one');
      await publishNewFile(path.join(drive, '.one.partial'), path.join(drive, 'one.mp4'));
      assert.equal(readFileSync(path.join(drive, 'one.mp4'), 'utf8'), 'one');
      assert.equal(existsSync(path.join(drive, '.one.partial')), false);
      // Never over a file: refused, the file as it was.
      writeFileSync(path.join(drive, '.again.partial'), 'again');
      await assert.rejects(publishNewFile(path.join(drive, '.again.partial'), path.join(drive, 'one.mp4')), isConflict);
      assert.equal(readFileSync(path.join(drive, 'one.mp4'), 'utf8'), 'one');
      await assert.rejects(
        produceNewOutputFile(path.join(drive, 'one.mp4'), async (tmp) => writeFileSync(tmp, 'x')),
        isConflict,
      );
      assert.equal(readFileSync(path.join(drive, 'one.mp4'), 'utf8'), 'one');
      // Two outputs racing for one name: one wins, the other is refused, nothing is lost silently (a check of the
      // name followed by a rename let both "succeed", the second replacing the first).
      writeFileSync(path.join(drive, '.x.partial'), 'x');
      writeFileSync(path.join(drive, '.y.partial'), 'y');
      const race = await Promise.allSettled([
        publishNewFile(path.join(drive, '.x.partial'), path.join(drive, 'race.mp4')),
        publishNewFile(path.join(drive, '.y.partial'), path.join(drive, 'race.mp4')),
      ]);
      assert.deepEqual(race.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
      assert.ok(race.every((r) => r.status === 'fulfilled' || isConflict(r.reason)));
      const winner = race[0]!.status === 'fulfilled' ? 'x' : 'y';
      assert.equal(readFileSync(path.join(drive, 'race.mp4'), 'utf8'), winner);
      assert.equal(existsSync(path.join(drive, `.${winner}.partial`)), false);

      if (kind !== 'exfat') return;
      // A clips export onto the drive (the usual removable format): into a folder it makes, no temp file left;
      // the same export again is refused before anything runs.
      lib = await openTempCore();
      const [imp] = await importAndWait(lib.core, [await gopMedia()]);
      const video = (imp!.output as { videoId: number }).videoId;
      const det = await lib.core.call('scenes.detect', { video, detector: 'content' });
      if (det.jobId) assert.equal((await lib.core.services.jobs.waitFor(det.jobId, 120_000)).state, 'succeeded');
      const clips = (await lib.core.call('clips.fromScenes', { video })).clips;
      const split = await lib.core.call('clips.split', { video, id: clips[0]!.id, frame: 50 });
      const dir = path.join(drive, 'clips');
      const ids = split.clips.map((c) => c.id);
      const { jobId } = await lib.core.call('clips.export', { video, dir, ids, mode: 'copy' });
      const job = await lib.core.services.jobs.waitFor(jobId, 120_000);
      assert.equal(job.state, 'succeeded', JSON.stringify(job.error));
      assert.deepEqual(readdirSync(dir).sort(), ['scenes-gop25-8s-1.mp4', 'scenes-gop25-8s-2.mp4']);
      await assert.rejects(lib.core.call('clips.export', { video, dir, ids, mode: 'copy' }), isConflict);
    } finally {
      await lib?.close();
      // Unmounted before the scratch folder (and the image in it) goes.
      mounted.unmount();
      scratch.cleanup();
    }
  });
}
