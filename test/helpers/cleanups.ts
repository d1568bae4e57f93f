import type { TestContext } from 'node:test';

/**
 * Cleanups that run last-registered first, like Go's `defer`. node:test runs `t.after` hooks in the order they
 * were added, so a library folder registered before the server that writes in it was removed while that server
 * still wrote (ENOTEMPTY), and a second server started in a subtest outlived the folder. Every cleanup runs; the
 * first error is thrown after the others ran.
 */
export function deferCleanups(t: TestContext): (cleanup: () => unknown) => void {
  const cleanups: Array<() => unknown> = [];
  t.after(async () => {
    const errors: unknown[] = [];
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length) throw errors[0];
  });
  return (cleanup) => void cleanups.push(cleanup);
}
