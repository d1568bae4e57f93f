import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CLI } from '../helpers/cli.js';
import { importAndWait, tempDir } from '../helpers/library.js';
import { media } from '../helpers/media.js';
import { Core } from '../../core/core.js';
import { isRoot, mountTmpfs, requireEnvironment } from '../helpers/environment.js';

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name));
}

describe('import faults', () => {
  it('reports a file the user cannot read, naming it', async (t) => {
    const scratch = tempDir('framewise-perm-');
    try {
      chmodSync(scratch.dir, 0o777);
      const file = path.join(scratch.dir, 'secret.mp4');
      copyFileSync(await media.mp4(1, 'perm-source.mp4'), file);
      chmodSync(file, 0o000);
      const data = path.join(scratch.dir, 'lib');
      mkdirSync(data, { mode: 0o777 });
      chmodSync(data, 0o777);
      let stdout: string;
      if (isRoot) {
        // root reads everything: run the real CLI as root without the capabilities that bypass file permissions.
        if (!existsSync('/usr/bin/setpriv'))
          return t.skip('running as root without setpriv: cannot drop the permission-bypass capabilities');
        stdout = (() => {
          try {
            return execFileSync(
              '/usr/bin/setpriv',
              ['--bounding-set', '-dac_override,-dac_read_search', process.execPath, CLI, '--data-dir', data, 'import', file, '--json'],
              { encoding: 'utf8' },
            );
          } catch (err) {
            return (err as { stdout: string }).stdout;
          }
        })();
      } else {
        try {
          stdout = execFileSync(process.execPath, [CLI, '--data-dir', data, 'import', file, '--json'], { encoding: 'utf8' });
        } catch (err) {
          stdout = (err as { stdout: string }).stdout;
        }
      }
      const res = JSON.parse(stdout) as { results: Array<{ status: string; error?: { code: string; message: string } }> };
      assert.equal(res.results[0]?.status, 'failed');
      assert.equal(res.results[0]?.error?.code, 'file_unreadable');
      assert.match(res.results[0]!.error!.message, /secret\.mp4: permission denied/);
    } finally {
      scratch.cleanup();
    }
  });

  it('fails cleanly when the library disk is full while copying in: no partial file, no row', async (t) => {
    if (!requireEnvironment(t, isRoot, 'mounting a small tmpfs needs root')) return;
    const scratch = tempDir('framewise-full-');
    const mnt = path.join(scratch.dir, 'small');
    mkdirSync(mnt);
    const unmount = mountTmpfs(mnt, 'size=2m');
    try {
      // A 2 MB library disk: the database fits, the 1080p video copy does not.
      const core = await Core.open({ dataDir: mnt, runJobs: true });
      try {
        const big = await media.long1080(60);
        const [job] = await importAndWait(core, [big], true);
        assert.equal(job?.state, 'failed');
        assert.equal(job?.error?.code, 'disk_full', job?.error?.message);
        const list = await core.call('videos.list', {});
        assert.equal(list.total, 0);
        assert.deepEqual(
          filesUnder(path.join(mnt, 'media')).filter((f) => !f.endsWith('-wal') && !f.endsWith('-shm')),
          [],
          'no partial copy left behind',
        );
      } finally {
        await core.close();
      }
    } finally {
      unmount();
      scratch.cleanup();
    }
  });
});
