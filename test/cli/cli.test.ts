import assert from 'node:assert/strict';
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { makeBrokenFiles } from '../helpers/broken.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/library.js';
import { media } from '../helpers/media.js';

describe('framewise CLI', () => {
  const scratch = tempDir('framewise-cli-');
  const data = path.join(scratch.dir, 'library');
  after(() => scratch.cleanup());

  it('documents its commands and exit codes, and exits 2 on usage errors', async () => {
    const help = await runCli(['--help']);
    assert.equal(help.code, 0);
    for (const c of ['import', 'list', 'info', 'jobs', 'cancel']) assert.match(help.stdout, new RegExp(`\\b${c}\\b`));
    assert.match(help.stdout, /Exit codes: 0 ok, 1 failure.*2 usage error/);
    assert.equal((await runCli(['frobnicate'])).code, 2);
    assert.equal((await runCli(['--data-dir', data, 'import'])).code, 2);
    assert.equal((await runCli(['--data-dir', data, 'list', '--bogus'])).code, 2);
  });

  it('imports a folder with --json and lists every good video with metadata and every bad file with its error', async () => {
    const folder = path.join(scratch.dir, 'incoming');
    await mkdir(path.join(folder, 'day2'), { recursive: true });
    await copyFile(await media.mp4(3, 'cli-a.mp4'), path.join(folder, 'a.mp4'));
    await copyFile(await media.mkvVp9Opus(3), path.join(folder, 'day2', 'b.mkv'));
    const bad = await makeBrokenFiles(path.join(folder, 'bad'));
    const imp = await runCli(['--data-dir', data, 'import', folder, '--json']);
    assert.equal(imp.code, 1, 'exit 1: some files failed');
    const result = JSON.parse(imp.stdout) as {
      results: Array<{ path: string; status: string; error?: { code: string; message: string } }>;
    };
    const byName = new Map(result.results.map((r) => [path.basename(r.path), r]));
    assert.equal(byName.get('a.mp4')?.status, 'imported');
    assert.equal(byName.get('b.mkv')?.status, 'imported');
    assert.equal(byName.get(path.basename(bad.empty))?.error?.code, 'file_empty');
    assert.equal(byName.get(path.basename(bad.truncated))?.error?.code, 'truncated');
    assert.equal(byName.get(path.basename(bad.text))?.error?.code, 'not_media');

    const list = await runCli(['--data-dir', data, 'list', '--json']);
    assert.equal(list.code, 0);
    const lib = JSON.parse(list.stdout) as {
      videos: Array<{
        name: string;
        duration: number;
        fps: { text: string };
        width: number;
        height: number;
        frameCount: number;
        frameCountExact: boolean;
      }>;
      failedImports: Array<{ path: string; error: { message: string } }>;
    };
    const a = lib.videos.find((v) => v.name === 'a.mp4')!;
    assert.deepEqual([a.width, a.height, a.fps.text, a.frameCount, a.frameCountExact], [320, 240, '25/1', 75, true]);
    const b = lib.videos.find((v) => v.name === 'b.mkv')!;
    assert.equal(b.fps.text, '30000/1001');
    // Folder walks pick up video files only: the .m4a audio file is not tried, the four broken "videos" are.
    assert.equal(lib.failedImports.length, 4, JSON.stringify(lib.failedImports.map((f) => f.path)));
    for (const f of lib.failedImports) assert.ok(f.error.message.includes(f.path));

    const info = await runCli(['--data-dir', data, 'info', path.join(folder, 'a.mp4'), '--json']);
    assert.equal(info.code, 0);
    assert.equal(JSON.parse(info.stdout).name, 'a.mp4');
    const human = await runCli(['--data-dir', data, 'list']);
    assert.match(human.stdout, /a\.mp4/);
    assert.match(human.stdout, /Failed imports:/);
  });

  it('--json writes only JSON to stdout, also for errors', async () => {
    const r = await runCli(['--data-dir', data, 'info', '424242', '--json']);
    assert.equal(r.code, 1);
    assert.equal(JSON.parse(r.stdout).error.code, 'not_found');
  });

  it('cancels a job running in another process', async () => {
    const long = await media.long1080(60);
    await runCli(['--data-dir', data, 'import', long, '--json']);
    const id = JSON.parse((await runCli(['--data-dir', data, 'info', long, '--json'])).stdout).id as number;
    // Another process (here: this test, as the app would) runs a long decode job …
    const { Core } = await import('../../core/core.js');
    const core = await Core.open({ dataDir: data, runJobs: true, ownJobsOnly: true });
    try {
      const { job } = await core.call('jobs.enqueue', { kind: 'verify-decode', input: { videoId: id } });
      for (let i = 0; i < 400; i++) {
        if ((await core.call('jobs.get', { id: job.id })).progress > 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      // … and `framewise cancel` from a third process stops it.
      const c = await runCli(['--data-dir', data, 'cancel', String(job.id), '--json']);
      assert.equal(c.code, 0, c.stderr);
      assert.equal(JSON.parse(c.stdout).state, 'cancelled');
      const jobs = JSON.parse((await runCli(['--data-dir', data, 'jobs', '--json'])).stdout) as Array<{ id: number; state: string }>;
      assert.equal(jobs.find((j) => j.id === job.id)?.state, 'cancelled');
    } finally {
      await core.close();
    }
  });
});
