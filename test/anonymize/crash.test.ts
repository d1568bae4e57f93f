import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Core } from '../../core/core.js';
import { importAndWait, tempDir } from '../helpers/library.js';
import { media } from '../helpers/media.js';
import { runCli } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/fixtures.js';
import { ownedTmpName } from '../../core/jobs/owned-tmp.js';
import { processesMentioning } from '../helpers/processes.js';

/**
 * kill -9 of the process running an export — during the render and during verification. Only that process
 * is killed (not its process group): ffmpeg must end by itself (its progress pipe breaks), and the next
 * start of ANY Framewise process (here `framewise list`) removes the partial output and the job's tmp
 * folder, settles the job, and records what it removed. A subtitle preview's folder (it holds the cue texts)
 * left by a process that died is removed too; one of a live process (this test's) is kept.
 */
const bigRegion = { region: { x: 420, y: 0, width: 1080, height: 1080, shape: 'circle' as const } };
/**
 * What each case renders. Killed while rendering: the whole clip. Killed while verifying: its first 2 s (the
 * rest cut as a validated outside segment), so the render before the verification is short; the verification
 * still reads its 24 frames of 1080p (seconds even on an idle machine).
 */
const overridesFor = {
  rendering: bigRegion,
  verifying: { ...bigRegion, segments: [{ startFrame: 60, endFrame: 360, label: 'outside', validated: true }] },
};

/**
 * Both cases start from the same library (the 12 s 1080p clip imported, the library closed): imported once,
 * then copied (the folder, keys included, is the whole library) into each case's own folder.
 */
let imported: Promise<{ dir: string; videoId: number }> | undefined;
const template = tempDir();
after(() => template.cleanup());
async function libraryWithClip(): Promise<{ lib: ReturnType<typeof tempDir>; videoId: number }> {
  imported ??= (async () => {
    const core = await Core.open({ dataDir: template.dir, runJobs: true, concurrency: 1 });
    try {
      const [imp] = await importAndWait(core, [await media.long1080(12)]);
      assert.equal(imp?.state, 'succeeded', JSON.stringify(imp?.error));
      return { dir: template.dir, videoId: (imp!.output as { videoId: number }).videoId };
    } finally {
      await core.close();
    }
  })();
  const { dir, videoId } = await imported;
  const lib = tempDir();
  cpSync(dir, lib.dir, { recursive: true });
  return { lib, videoId };
}

function ffmpegWriting(name: string): boolean {
  return processesMentioning(name).some((p) => p.cmd.includes('ffmpeg'));
}

function stageOf(dataDir: string, jobId: number): string | null {
  const db = new Database(path.join(dataDir, 'library.sqlite'), { readonly: true });
  try {
    return (db.prepare('SELECT stage FROM jobs WHERE id = ?').get(jobId) as { stage: string | null } | undefined)?.stage ?? null;
  } finally {
    db.close();
  }
}

for (const stage of ['rendering', 'verifying'] as const) {
  test(`kill -9 during ${stage}: ffmpeg ends by itself; the next \`list\` leaves the output folder empty and nothing running`, async () => {
    // 12 s of 1080p is enough to catch either stage (the render and the verification each last seconds even on
    // an idle machine; the poll below looks every 50 ms); 60 s made the verifying case scan, render and half
    // verify a minute of 1080p first (now it renders 2 s of it, see overridesFor).
    const { lib, videoId } = await libraryWithClip();
    const out = tempDir('framewise-anon-crash-');
    try {
      // A stray tmp folder of a job long gone, as a crash leaves it.
      mkdirSync(path.join(lib.dir, 'tmp', 'job-999-abcdef'), { recursive: true });
      writeFileSync(path.join(lib.dir, 'tmp', 'job-999-abcdef', 'mask.png'), 'x');
      // A subtitle preview's folder of a process killed while rendering it, and one of a live process.
      const deadPid = spawnSync(process.execPath, ['-e', '']).pid!;
      const deadPreview = ownedTmpName('subtitle-preview', deadPid);
      const livePreview = ownedTmpName('subtitle-preview');
      for (const name of [deadPreview, livePreview]) {
        mkdirSync(path.join(lib.dir, 'tmp', name));
        writeFileSync(path.join(lib.dir, 'tmp', name, 'preview.ass'), 'Dialogue: 0,0:00:01.00,0:00:03.00,Default,,0,0,0,,Befund');
      }
      const host = spawn(
        process.execPath,
        [
          path.join(REPO_ROOT, 'dist', 'test', 'helpers', 'job-host.js'),
          lib.dir,
          'anonymize',
          JSON.stringify({
            videoId,
            output: { dir: out.dir },
            options: { preset: 'fast' },
            overrides: overridesFor[stage],
            timedMasks: [],
          }),
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      const exited = new Promise((r) => host.once('exit', r));
      let jobId = 0;
      host.stdout.on('data', (d: Buffer) => {
        const m = /RUNNING (\d+)/.exec(d.toString());
        if (m) jobId = Number(m[1]);
      });
      await new Promise<void>((resolve, reject) => {
        host.once('exit', () => reject(new Error('the job host exited early')));
        const poll = setInterval(() => {
          const partial = readdirSync(out.dir).some((f) => f.endsWith('.partial.mp4'));
          if (partial && jobId && (stage === 'rendering' || stageOf(lib.dir, jobId) === 'verifying')) {
            clearInterval(poll);
            resolve();
          }
        }, 50);
      });
      const partial = readdirSync(out.dir).find((f) => f.endsWith('.partial.mp4'))!;
      process.kill(host.pid!, 'SIGKILL');
      await exited;
      // ffmpeg notices within about a second (its next progress write or frame write fails).
      const deadline = Date.now() + 10_000;
      while (ffmpegWriting(partial) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert.equal(ffmpegWriting(partial), false, 'ffmpeg ended with its parent');
      assert.ok(readdirSync(out.dir).includes(partial), 'the partial file is there after the crash');
      assert.ok(readdirSync(path.join(lib.dir, 'tmp')).some((n) => n.startsWith(`job-${jobId}-`)) || stage === 'verifying');

      const list = await runCli(['--data-dir', lib.dir, 'list', '--json']);
      assert.equal(list.code, 0, list.stderr);
      assert.deepEqual(readdirSync(out.dir), [], 'the partial output was removed');
      assert.deepEqual(
        readdirSync(path.join(lib.dir, 'tmp')),
        [livePreview],
        'tmp/job-* folders and the subtitle preview of the dead process were removed, the live one kept',
      );
      const db = new Database(path.join(lib.dir, 'library.sqlite'), { readonly: true });
      try {
        // The dead job is shown as interrupted (derived from its expired heartbeat), never as running.
        const jobs = JSON.parse((await runCli(['--data-dir', lib.dir, 'jobs', '--json'])).stdout) as Array<{ state: string }>;
        assert.ok(jobs.length > 0);
        assert.ok(!jobs.some((j) => j.state === 'running'), 'nothing is shown as running');
        // The export's error is sealed in the database (it may name files): read it through the CLI.
        const { exports } = JSON.parse((await runCli(['--data-dir', lib.dir, 'exports', '--json'])).stdout) as {
          exports: Array<{ state: string; error: { message: string } | null }>;
        };
        assert.equal(exports.length, 1);
        assert.equal(exports[0]!.state, 'failed');
        assert.match(exports[0]!.error?.message ?? '', /partial \(unverified\) file was deleted/);
        const audit = db.prepare('SELECT kind, detail_json FROM cleanup_audit ORDER BY id').all() as Array<{
          kind: string;
          detail_json: string;
        }>;
        // The stray folder may already go when the job host starts (every start reaps); the rest at `list`.
        const kinds = audit.map((a) => a.kind);
        for (const k of ['partial_output', 'tmp_folder']) assert.ok(kinds.includes(k), `${k} in ${kinds.join(',')}`);
        assert.ok(audit.some((a) => a.kind === 'tmp_folder' && a.detail_json.includes('job-999-abcdef')));
        assert.ok(
          audit.some((a) => a.kind === 'tmp_folder' && a.detail_json.includes(deadPreview)),
          'the subtitle preview folder is in the audit',
        );
        assert.ok(!audit.some((a) => a.detail_json.includes(out.dir)), 'no user path in the audit');
      } finally {
        db.close();
      }
    } finally {
      out.cleanup();
      lib.cleanup();
    }
  });
}
