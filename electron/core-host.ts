/**
 * Entry of the core's utility process (forked by main.ts): the window's process never runs core code, so
 * hashing, probing and job coordination never block the UI; ffmpeg and workers run as children of this process.
 */
import { runCoreHost } from './core-host-main.js';
import type { ToCore } from './core-protocol.js';

const parent = process.parentPort;
void runCoreHost(
  {
    post: (msg) => parent.postMessage(msg),
    onMessage: (listener) => parent.on('message', (e: { data: ToCore }) => listener(e.data)),
  },
  process.env.FRAMEWISE_DATA_DIR ? { dataDir: process.env.FRAMEWISE_DATA_DIR } : {},
);
