/**
 * Preload (sandboxed, so CommonJS and only `electron` may be required): exposes the typed client
 * `window.framewise` and nothing else. Every call goes to the main process, which checks the sender and
 * forwards it to the core's IPC router. Channel names mirror electron/security.ts (a test checks them).
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { CoreEvent } from '../core/api/types.js';

const IPC_CALL = 'framewise:call';
const IPC_EVENT = 'framewise:event';
const IPC_PICK_FOLDER = 'framewise:pick-folder';
const IPC_PICK_FILE = 'framewise:pick-file';
const MEDIA_SCHEME = 'framewise-media';

type Response = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string; details?: unknown } };

const listeners = new Set<(e: CoreEvent) => void>();
ipcRenderer.on(IPC_EVENT, (_e, event: CoreEvent) => {
  for (const l of listeners) l(event);
});

let nextId = 1;

contextBridge.exposeInMainWorld('framewise', {
  transport: 'ipc',
  async call(method: string, params: unknown): Promise<unknown> {
    const response = (await ipcRenderer.invoke(IPC_CALL, { id: nextId++, method, params })) as Response;
    if (response.ok) return response.result;
    // Errors cross contextBridge as plain Errors: carry {code, message} as JSON in the message.
    const { code, message, details } = response.error;
    throw new Error(JSON.stringify(details === undefined ? { code, message } : { code, message, details }));
  },
  subscribe(listener: (e: CoreEvent) => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  mediaUrl(target: { kind: 'video' | 'artifact' | 'export' | 'clip'; id: number }): string {
    const kind = target.kind === 'artifact' || target.kind === 'export' || target.kind === 'clip' ? target.kind : 'video';
    return `${MEDIA_SCHEME}://${kind}/${Math.trunc(Number(target.id))}`;
  },
  pathForFile(file: File): string {
    return webUtils.getPathForFile(file);
  },
  /** The system's folder picker; resolves to the chosen folder or null. */
  async pickFolder(defaultPath?: string): Promise<string | null> {
    const chosen = (await ipcRenderer.invoke(IPC_PICK_FOLDER, typeof defaultPath === 'string' ? defaultPath : null)) as unknown;
    return typeof chosen === 'string' ? chosen : null;
  },
  /** The system's file picker for one kind of file (main sets the filters); resolves to the path or null. */
  async pickFile(kind: 'model-manifest'): Promise<string | null> {
    const chosen = (await ipcRenderer.invoke(IPC_PICK_FILE, String(kind))) as unknown;
    return typeof chosen === 'string' ? chosen : null;
  },
});
