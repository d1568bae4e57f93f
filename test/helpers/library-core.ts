import type { TestContext } from 'node:test';
import { Core } from '../../core/core.js';

/**
 * The library opened in the test's own process, as a CLI run opens it (no job runner) but once per test: a CLI
 * spawn costs about a CPU-second of start-up per read. Opened on first use (after the test's set-up created the
 * library), closed after the test. For reads (and plain writes) where the CLI itself is not what a test is about.
 */
export function libraryCore(t: TestContext, dataDir: string): () => Promise<Core> {
  let core: Promise<Core> | null = null;
  t.after(async () => {
    if (core) await (await core).close();
  });
  return () => (core ??= Core.open({ dataDir }));
}

/** Prepare a library before `framewise serve` opens it: a Core that runs its own jobs, closed when `fn` is done. */
export async function withLibraryCore<T>(dataDir: string, fn: (core: Core) => Promise<T>): Promise<T> {
  const core = await Core.open({ dataDir, runJobs: true });
  try {
    return await fn(core);
  } finally {
    await core.close();
  }
}
