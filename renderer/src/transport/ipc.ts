import type { FramewiseClient } from '../../../core/api/client.js';
import type { AppClient, ConnectionState, PickFileKind } from './types.js';
import { ClientError } from './types.js';

/** What Electron's preload exposes as `window.framewise` (see electron/preload.cts). */
export interface DesktopApi extends FramewiseClient {
  readonly transport: 'ipc';
  pathForFile(file: File): string;
  pickFolder?(defaultPath?: string): Promise<string | null>;
  pickFile?(kind: PickFileKind): Promise<string | null>;
}

declare global {
  interface Window {
    framewise?: DesktopApi;
  }
}

/** Desktop transport: Electron IPC through the preload's contextBridge API. */
export function createIpcClient(api: DesktopApi): AppClient {
  const state: ConnectionState = 'open';
  return {
    mode: 'desktop',
    async call(name, input) {
      try {
        return await api.call(name, input);
      } catch (err) {
        // Errors cross contextBridge as plain Errors whose message is JSON {code,message} (see preload).
        const text = err instanceof Error ? err.message : String(err);
        const m = /(\{.*\})\s*$/.exec(text);
        if (m) {
          try {
            const parsed = JSON.parse(m[1]!) as { code: string; message: string; details?: Record<string, unknown> };
            throw new ClientError(parsed);
          } catch (e) {
            if (e instanceof ClientError) throw e;
          }
        }
        throw new ClientError({ code: 'internal', message: text });
      }
    },
    subscribe: (listener) => api.subscribe(listener),
    mediaUrl: (target) => api.mediaUrl(target),
    connectionState: () => state,
    onConnection: () => () => undefined,
    ...(api.pickFolder ? { pickFolder: (defaultPath?: string) => api.pickFolder!(defaultPath) } : {}),
    ...(api.pickFile ? { pickFile: (kind: PickFileKind) => api.pickFile!(kind) } : {}),
    pathForFile: (file) => {
      try {
        return api.pathForFile(file) || null;
      } catch {
        return null;
      }
    },
  };
}
