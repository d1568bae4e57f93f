import { utilityProcess, type UtilityProcess } from 'electron';
import type { RouterResponse } from '../core/api/router.js';
import type { CoreEvent } from '../core/api/types.js';
import type { MediaTarget } from '../core/media/targets.js';
import type { FromCore, ToCore } from './core-protocol.js';

/** The main process's handle on the core running in a utility process. */
export class CoreProcess {
  private child: UtilityProcess;
  private seq = 1;
  private calls = new Map<number, (r: RouterResponse) => void>();
  private media = new Map<number, (f: { path: string; contentType: string } | null) => void>();
  private listeners = new Set<(e: CoreEvent) => void>();
  readonly ready: Promise<{ dataDir: string }>;

  constructor(entry: string, env: NodeJS.ProcessEnv) {
    this.child = utilityProcess.fork(entry, [], { serviceName: 'Framewise core', env, stdio: 'inherit' });
    let resolveReady!: (v: { dataDir: string }) => void;
    let rejectReady!: (e: Error) => void;
    this.ready = new Promise((res, rej) => ((resolveReady = res), (rejectReady = rej)));
    this.child.on('message', (msg: FromCore) => {
      switch (msg.type) {
        case 'ready':
          return resolveReady({ dataDir: msg.dataDir });
        case 'fatal':
          return rejectReady(new Error(msg.message));
        case 'response':
          this.calls.get(msg.seq)?.(msg.response);
          this.calls.delete(msg.seq);
          return;
        case 'media':
          this.media.get(msg.seq)?.(msg.file);
          this.media.delete(msg.seq);
          return;
        case 'event':
          for (const l of this.listeners) l(msg.event);
          return;
        default:
          return;
      }
    });
    this.child.on('exit', (code) => {
      rejectReady(new Error(`The core process exited (code ${code})`));
      for (const [seq, cb] of this.calls) {
        cb({ id: null, ok: false, error: { code: 'internal', message: 'The core process stopped' } });
        this.calls.delete(seq);
      }
      for (const [seq, cb] of this.media) {
        cb(null);
        this.media.delete(seq);
      }
    });
  }

  private post(msg: ToCore): void {
    this.child.postMessage(msg);
  }

  /** Forward a raw renderer message to the router in the core process. */
  call(message: unknown): Promise<RouterResponse> {
    const seq = this.seq++;
    return new Promise((resolve) => {
      this.calls.set(seq, resolve);
      this.post({ type: 'call', seq, message });
    });
  }

  mediaPath(target: MediaTarget): Promise<{ path: string; contentType: string }> {
    const seq = this.seq++;
    return new Promise((resolve, reject) => {
      this.media.set(seq, (f) => (f ? resolve(f) : reject(new Error('not in the library'))));
      this.post({ type: 'media', seq, target });
    });
  }

  onEvent(listener: (e: CoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Close the library cleanly (jobs stop, database closes); kill if it takes too long. */
  shutdown(timeoutMs = 5000): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.child.kill();
        resolve();
      }, timeoutMs);
      this.child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      this.post({ type: 'shutdown' });
    });
  }
}
