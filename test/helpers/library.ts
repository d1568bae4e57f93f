import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Core, type CoreOptions } from '../../core/core.js';

/** A fresh temporary data dir; removed by the returned cleanup. */
export function tempDir(prefix = 'framewise-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Open a real Core on a fresh temporary library (real SQLite file, real ffmpeg). */
export async function openTempCore(opts: CoreOptions = {}): Promise<{ core: Core; dataDir: string; close: () => Promise<void> }> {
  const { dir, cleanup } = tempDir();
  const core = await Core.open({ dataDir: dir, runJobs: true, concurrency: 2, ...opts });
  return {
    core,
    dataDir: dir,
    close: async () => {
      await core.close();
      cleanup();
    },
  };
}

/**
 * Import paths and wait for every import job and the follow-ups it queued (frame count, fingerprint), so no
 * ffmpeg of the import is still running when the test goes on; returns the finished import jobs in order.
 */
export async function importAndWait(core: Core, paths: string[], copy = false) {
  const res = await core.call('videos.import', { paths, copy });
  const done = await Promise.all(res.jobs.map((j) => core.services.jobs.waitFor(j.jobId, 120_000)));
  for (const job of done) await waitForFollowUps(core, job);
  return done;
}

/** Wait for the follow-ups (frame count, fingerprint) a finished import job queued. */
export async function waitForFollowUps(core: Core, job: { state: string; output: unknown }): Promise<void> {
  const videoId = (job.output as { videoId?: number } | null)?.videoId;
  if (job.state !== 'succeeded' || videoId === undefined) return;
  for (const f of await core.call('jobs.list', { videoId, states: ['queued', 'running'] }))
    if (f.kind === 'frame-count' || f.kind === 'fingerprint') await core.services.jobs.waitFor(f.id, 120_000);
}

/**
 * Wait until no job of the library is queued or running (each waited for until it is announced, i.e. after the
 * files its follow-ups publish), however many follow-ups they queue.
 */
export async function waitForAllJobs(core: Core, timeoutMs = 600_000): Promise<void> {
  for (;;) {
    const active = await core.call('jobs.list', { states: ['queued', 'running'] });
    if (!active.length) return;
    for (const j of active) await core.services.jobs.waitFor(j.id, timeoutMs);
  }
}

/** The absolute path of a video's thumbnail file (its artifact row must exist). */
export async function thumbnailPath(core: Core, videoId: number): Promise<string> {
  const art = await core.services.db.reader
    .selectFrom('artifacts')
    .select('path')
    .where('video_id', '=', videoId)
    .where('kind', '=', 'thumbnail')
    .executeTakeFirstOrThrow();
  return path.join(core.services.artifactsDir, art.path);
}
