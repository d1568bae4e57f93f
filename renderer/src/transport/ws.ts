import type { CommandInput, CommandName, CommandOutput } from '../../../core/api/commands.js';
import type { CoreEvent, ModelInfo } from '../../../core/api/types.js';
import type { RemoteError } from '../../../core/api/client.js';
import { ClientError, type AppClient, type ConnectionState, type UploadResult } from './types.js';

type ServerMessage =
  | { type: 'response'; id: number | string | null; ok: true; result: unknown }
  | { type: 'response'; id: number | string | null; ok: false; error: { code: string; message: string } }
  | { type: 'event'; event: CoreEvent };

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/**
 * Browser-mode transport: JSON messages over the bridge's WebSocket (same origin; the HttpOnly cookie set
 * at first load authenticates the handshake). Reconnects by itself; calls made while disconnected wait.
 */
export function createWsClient(base: URL = new URL(window.location.href)): AppClient {
  const wsUrl = `${base.protocol === 'https:' ? 'wss:' : 'ws:'}//${base.host}/ws`;
  let socket: WebSocket | null = null;
  let state: ConnectionState = 'connecting';
  let nextId = 1;
  let retryMs = 250;
  const pending = new Map<number, Pending>();
  const outbox: string[] = [];
  const eventListeners = new Set<(e: CoreEvent) => void>();
  const stateListeners = new Set<(s: ConnectionState) => void>();

  const setState = (s: ConnectionState) => {
    state = s;
    for (const l of stateListeners) l(s);
  };

  const connect = () => {
    const ws = new WebSocket(wsUrl);
    socket = ws;
    ws.onopen = () => {
      retryMs = 250;
      setState('open');
      while (outbox.length) ws.send(outbox.shift()!);
    };
    ws.onmessage = (ev) => {
      let msg: ServerMessage;
      try {
        msg = JSON.parse(String(ev.data)) as ServerMessage;
      } catch {
        return;
      }
      if (msg.type === 'event') {
        for (const l of eventListeners) l(msg.event);
        return;
      }
      if (typeof msg.id !== 'number') return;
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new ClientError(msg.error));
    };
    ws.onclose = () => {
      socket = null;
      // Calls in flight are lost with the socket: fail them so the UI can say so and retry.
      for (const [id, p] of pending) {
        p.reject(new ClientError({ code: 'disconnected', message: 'The connection to the library was lost' }));
        pending.delete(id);
      }
      // Is the server there but refusing us (restarted with a new token)? Then retrying cannot help.
      void fetch('/', { method: 'HEAD', cache: 'no-store' })
        .then((r) => (r.status === 401 ? 'unauthorized' : 'reconnecting'))
        .catch(() => 'reconnecting' as const)
        .then((next) => {
          setState(next);
          setTimeout(connect, next === 'unauthorized' ? 5000 : retryMs);
          retryMs = Math.min(retryMs * 2, 5000);
        });
    };
  };
  connect();

  return {
    mode: 'browser',
    call<N extends CommandName>(name: N, input: CommandInput<N>): Promise<CommandOutput<N>> {
      const id = nextId++;
      const text = JSON.stringify({ id, method: name, params: input });
      return new Promise<CommandOutput<N>>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        if (socket && socket.readyState === WebSocket.OPEN) socket.send(text);
        else outbox.push(text);
      });
    },
    subscribe(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    mediaUrl(target) {
      return `/media/${target.kind}/${target.id}`;
    },
    connectionState: () => state,
    onConnection(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    async uploadModel(files, setDefault) {
      const manifests = files.filter((f) => f.name.toLowerCase().endsWith('.json'));
      if (manifests.length !== 1) {
        return { error: { code: 'usage', message: 'Choose one model manifest (.json) together with its .onnx file' } };
      }
      const group = Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, '0')).join('');
      // The model files first, the manifest last: its upload adds the model.
      for (const file of [...files.filter((f) => f !== manifests[0]), manifests[0]!]) {
        const last = file === manifests[0];
        const query = new URLSearchParams({ name: file.name, group, ...(last ? { add: '1', default: setDefault ? '1' : '0' } : {}) });
        let answer: { model?: ModelInfo; error?: RemoteError };
        try {
          const res = await fetch(`/api/upload-model?${query.toString()}`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/octet-stream' },
            body: file,
          });
          answer = (await res.json()) as { model?: ModelInfo; error?: RemoteError };
        } catch {
          return { error: { code: 'disconnected', message: 'the connection was lost during the upload' } };
        }
        if (answer.error) return { error: answer.error };
        if (last) return answer.model ? { model: answer.model } : { error: { code: 'internal', message: 'no model in the answer' } };
      }
      return { error: { code: 'internal', message: 'nothing was uploaded' } };
    },
    upload(file, onProgress) {
      // XHR rather than fetch: it streams the File from disk and reports upload progress.
      return new Promise<UploadResult>((resolve) => {
        const xhr = new XMLHttpRequest();
        xhr.open('POST', `/api/upload?name=${encodeURIComponent(file.name)}`);
        xhr.setRequestHeader('Content-Type', 'application/octet-stream');
        xhr.upload.onprogress = (e) => {
          if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
        };
        xhr.onload = () => {
          try {
            resolve(JSON.parse(xhr.responseText) as UploadResult);
          } catch {
            resolve({ name: file.name, error: { code: 'internal', message: `HTTP ${xhr.status}` } });
          }
        };
        xhr.onerror = () =>
          resolve({ name: file.name, error: { code: 'disconnected', message: 'the connection was lost during the upload' } });
        xhr.send(file);
      });
    },
  };
}
