import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Core } from '../../core/core.js';
import { keyFilePath } from '../../core/patient/crypto.js';
import type { FramewiseError } from '../../core/util/errors.js';
import { importAndWait, tempDir } from '../helpers/library.js';
import { media } from '../helpers/media.js';

/**
 * Original file names and paths are patient data (clinics name files and folders after the patient): the
 * database keeps them, the job rows that name them and the change feed's event copies only sealed with the
 * library key, and shows them opened only where the key is present.
 */
const NEEDLES = ['Schmidt-Öztürk', 'Schmidt', 'Öztürk', 'Oeztuerk', 'Hannelore', '1948-07-30'];

/** Every byte of the library's database files (main file, WAL, shared memory). */
function dbBytes(dir: string): string {
  const base = path.join(dir, 'library.sqlite');
  const bytes = Buffer.concat(['', '-wal', '-shm'].filter((s) => existsSync(base + s)).map((s) => readFileSync(base + s)));
  return `${bytes.toString('utf8')}\n${bytes.toString('latin1')}`.toLowerCase();
}

function assertNoNeedle(dir: string, what: string): void {
  const text = dbBytes(dir);
  for (const n of NEEDLES) assert.ok(!text.includes(n.toLowerCase()), `${what}: the database files contain "${n}"`);
}

async function patientNamedFile(root: string): Promise<string> {
  const folder = path.join(root, 'Schmidt-Öztürk Hannelore');
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, 'Schmidt-Öztürk_Hannelore_1948-07-30.mp4');
  copyFileSync(await media.mp4(2), file);
  return file;
}

describe('sealed file names and paths', () => {
  it('imports a patient-named file: stored sealed, shown, found by path and name, deduplicated and relinked', async () => {
    const lib = tempDir();
    const src = tempDir('framewise-sealed-src-');
    try {
      const file = await patientNamedFile(src.dir);
      const core = await Core.open({ dataDir: lib.dir, runJobs: true, concurrency: 1 });
      try {
        const [imp] = await importAndWait(core, [file]);
        assert.equal(imp?.state, 'succeeded', JSON.stringify(imp?.error));
        const videoId = (imp!.output as { videoId: number }).videoId;
        const v = await core.call('videos.get', { video: file });
        assert.equal(v.id, videoId, 'found by its path');
        assert.equal(v.name, 'Schmidt-Öztürk_Hannelore_1948-07-30.mp4');
        assert.equal(v.originalPath, file);
        assert.deepEqual(
          (await core.call('videos.list', { search: 'öztürk', sort: 'name' })).videos.map((x) => x.id),
          [videoId],
        );
        const jobs = await core.call('jobs.list', { kind: 'import' });
        assert.ok(
          jobs.some((j) => (j.input as { path?: string }).path === file),
          'the job list shows the import path',
        );
        // A failed import's message names the file: stored sealed too, shown opened.
        const missing = path.join(path.dirname(file), 'Schmidt-Öztürk_Hannelore_fehlt.mp4');
        const [failed] = await importAndWait(core, [missing]);
        assert.equal(failed?.state, 'failed');
        assert.ok((await core.call('videos.list', {})).failedImports.some((f) => f.path === missing));
        // The same content again is a duplicate; moved, it is relinked (content hash, not the sealed path).
        const [dup] = await importAndWait(core, [file]);
        assert.equal((dup!.output as { status: string }).status, 'duplicate');
        const moved = path.join(src.dir, 'Schmidt-Öztürk Hannelore', 'moved-Schmidt-Öztürk.mp4');
        renameSync(file, moved);
        const [rel] = await importAndWait(core, [moved]);
        assert.equal((rel!.output as { status: string }).status, 'relinked');
        assert.equal((await core.call('videos.get', { video: videoId })).path, moved);
        assert.equal((await core.call('videos.get', { video: moved })).id, videoId);
      } finally {
        await core.close();
      }
      assertNoNeedle(lib.dir, 'after import');
    } finally {
      src.cleanup();
      lib.cleanup();
    }
  });

  it('without the key file the library opens, shows no name and stores none', async () => {
    const lib = tempDir();
    const src = tempDir('framewise-sealed-src-');
    try {
      const file = await patientNamedFile(src.dir);
      const core = await Core.open({ dataDir: lib.dir, runJobs: true, concurrency: 1 });
      try {
        await importAndWait(core, [file]);
      } finally {
        await core.close();
      }
      const keyFile = keyFilePath(lib.dir);
      renameSync(keyFile, `${keyFile}.away`);
      const locked = await Core.open({ dataDir: lib.dir });
      try {
        const { videos } = await locked.call('videos.list', {});
        assert.equal(videos.length, 1);
        assert.doesNotMatch(JSON.stringify(videos), /Schmidt|Öztürk|Hannelore/);
        await assert.rejects(locked.call('videos.import', { paths: [file] }), (e: FramewiseError) => e.code === 'wrong_key');
      } finally {
        await locked.close();
      }
      renameSync(`${keyFile}.away`, keyFile);
      const again = await Core.open({ dataDir: lib.dir });
      try {
        assert.equal((await again.call('videos.list', {})).videos[0]?.name, 'Schmidt-Öztürk_Hannelore_1948-07-30.mp4');
      } finally {
        await again.close();
      }
      assertNoNeedle(lib.dir, 'after opening without the key');
    } finally {
      src.cleanup();
      lib.cleanup();
    }
  });

  it('migration 54: a library written in plain text is sealed at the first open with the key', async () => {
    const lib = tempDir();
    const src = tempDir('framewise-sealed-src-');
    try {
      const file = await patientNamedFile(src.dir);
      const core = await Core.open({ dataDir: lib.dir, runJobs: true, concurrency: 1 });
      let videoId: number;
      try {
        const [imp] = await importAndWait(core, [file]);
        videoId = (imp!.output as { videoId: number }).videoId;
        // What an older Framewise wrote: plain names, paths, job data, dedupe keys and change-feed events.
        const raw = core.services.db.raw;
        raw.prepare('UPDATE videos SET path = ?, original_path = ?, name = ?').run(file, file, path.basename(file));
        raw
          .prepare("UPDATE jobs SET input_json = ?, dedupe_key = ? WHERE kind = 'import'")
          .run(JSON.stringify({ path: file, copy: false }), `import:${file}`);
        raw
          .prepare("UPDATE jobs SET output_json = ? WHERE kind = 'import'")
          .run(JSON.stringify({ status: 'imported', videoId, path: file }));
        raw
          .prepare('INSERT INTO change_log (origin, at, event_json) VALUES (?, ?, ?)')
          .run('old', new Date().toISOString(), JSON.stringify({ type: 'video.changed', name: file }));
        raw.prepare("INSERT INTO sealing_pending (what) VALUES ('test')").run();
      } finally {
        await core.close();
      }
      assert.ok(dbBytes(lib.dir).includes('öztürk'), 'the plain text is there before');
      const again = await Core.open({ dataDir: lib.dir });
      try {
        const v = await again.call('videos.get', { video: file });
        assert.equal(v.id, videoId);
        assert.equal(v.name, path.basename(file));
        const jobs = await again.call('jobs.list', {});
        assert.ok(jobs.some((j) => (j.input as { path?: string }).path === file));
        const pending = again.services.db.raw.prepare('SELECT count(*) AS n FROM sealing_pending').get() as { n: number };
        assert.equal(pending.n, 0);
      } finally {
        await again.close();
      }
      assertNoNeedle(lib.dir, 'after sealing an older library');
    } finally {
      src.cleanup();
      lib.cleanup();
    }
  });
});
