import { createIpcClient } from './ipc.js';
import { createWsClient } from './ws.js';
import type { AppClient } from './types.js';

/** Electron gives us `window.framewise`; otherwise we are in browser mode behind the bridge. */
export function createClient(): AppClient {
  return window.framewise ? createIpcClient(window.framewise) : createWsClient();
}
