/**
 * Entry of the core's utility process: opens the library with jobs running and answers the main process
 * through the shared IPC router. The window's process never runs core code, so heavy work (hashing, probing,
 * job coordination) never blocks the UI; ffmpeg and workers run as children of this process.
 */
import { createRouter } from '../core/api/router.js';
import { Core } from '../core/core.js';
import { serializeError } from '../core/util/errors.js';
import type { FromCore, ToCore } from './core-protocol.js';

const port = process.parentPort;
const send = (msg: FromCore) => port.postMessage(msg);

async function main(): Promise<void> {
  let core: Core;
  try {
    core = await Core.open({ runJobs: true, ...(process.env.FRAMEWISE_DATA_DIR ? { dataDir: process.env.FRAMEWISE_DATA_DIR } : {}) });
  } catch (err) {
    send({ type: 'fatal', message: serializeError(err).message });
    process.exit(1);
  }
  const router = createRouter(core);
  core.subscribe((event) => send({ type: 'event', event }));
  port.on('message', (e: { data: ToCore }) => {
    const msg = e.data;
    if (msg.type === 'call') {
      void router.handle(msg.message).then((response) => send({ type: 'response', seq: msg.seq, response }));
    } else if (msg.type === 'media') {
      core.mediaPath(msg.target).then(
        (file) => send({ type: 'media', seq: msg.seq, file }),
        () => send({ type: 'media', seq: msg.seq, file: null }),
      );
    } else if (msg.type === 'shutdown') {
      void core.close().finally(() => {
        send({ type: 'closed' });
        process.exit(0);
      });
    }
  });
  send({ type: 'ready', dataDir: core.services.dataDir });
}

void main();
