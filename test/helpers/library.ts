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

/** Import paths and wait for every import job; returns the finished jobs in order. */
export async function importAndWait(core: Core, paths: string[], copy = false) {
  const res = await core.call('videos.import', { paths, copy });
  return Promise.all(res.jobs.map((j) => core.services.jobs.waitFor(j.jobId, 120_000)));
}
