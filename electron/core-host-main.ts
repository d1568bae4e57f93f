import { createRouter } from '../core/api/router.js';
import { Core, type CoreOptions } from '../core/core.js';
import { serializeError } from '../core/util/errors.js';
import type { FromCore, ToCore } from './core-protocol.js';

/** The message port the host talks over (Electron's `process.parentPort`, or a MessagePort in tests). */
export interface HostPort {
  post(msg: FromCore): void;
  onMessage(listener: (msg: ToCore) => void): void;
}

/**
 * The core's utility-process host, independent of Electron: opens the library with jobs running, answers
 * calls through the shared IPC router, resolves media targets, forwards every core event, and closes the
 * library cleanly on `shutdown`. Resolves with the open core (or null when opening failed: `fatal` was sent).
 */
export async function runCoreHost(
  port: HostPort,
  opts: CoreOptions = {},
  exit: (code: number) => void = (c) => process.exit(c),
): Promise<Core | null> {
  let core: Core;
  try {
    core = await Core.open({ runJobs: true, ...opts });
  } catch (err) {
    port.post({ type: 'fatal', message: serializeError(err).message });
    exit(1);
    return null;
  }
  const router = createRouter(core);
  core.subscribe((event) => port.post({ type: 'event', event }));
  port.onMessage((msg) => {
    if (msg.type === 'call') {
      void router.handle(msg.message).then((response) => port.post({ type: 'response', seq: msg.seq, response }));
    } else if (msg.type === 'media') {
      core.mediaPath(msg.target).then(
        (file) => port.post({ type: 'media', seq: msg.seq, file }),
        () => port.post({ type: 'media', seq: msg.seq, file: null }),
      );
    } else if (msg.type === 'shutdown') {
      void core.close().finally(() => {
        port.post({ type: 'closed' });
        exit(0);
      });
    }
  });
  port.post({ type: 'ready', dataDir: core.services.dataDir });
  return core;
}
