/**
 * Child processes started from a worker thread instead of the core's main thread (Linux, where `setpriv` ties a
 * child's life to its parent; elsewhere `processThread()` is null and callers start them here as before).
 *
 * Why: `child_process.spawn` blocks the thread that calls it until the child has started its program — a fork of
 * the whole process (its page tables: 4–15 ms of CPU for a core of ≈ 190 MB), then the wait until the child, which
 * needs a CPU of its own first, has exec'd. During an import both cores are busy (the hash thread, ffprobe, the
 * keyframe run), so that wait was the longest event-loop stall of an import (15–120 ms per spawn on this host).
 * The worker also reads ffprobe's JSON (hundreds of packet objects parsed and schema-checked: ≈ 10 ms in one task).
 *
 * The children are the same processes with the same arguments (`startProcess` runs in the worker). A parent-death
 * signal follows the thread that forked, so the worker lives as long as the process (unref'd: it never keeps it
 * alive); when this process exits, the children still running are killed from here as well.
 */
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { FramewiseError, cancelled, type ErrorCode } from '../util/errors.js';
import type { MediaInfo } from './probe.js';

type Request =
  | { op: 'probeWithFrameRate'; binary: string; file: string }
  | { op: 'run'; binary: string; args: string[]; lifeline: boolean; stdoutLimit: number };
export type ThreadRequest = Request & { id: number };

export type ThreadReply =
  | { type: 'spawned'; id: number; pid: number; file: string; args: string[] }
  | { type: 'exited'; pid: number }
  | { type: 'done'; id: number; info: MediaInfo }
  | { type: 'done'; id: number; stdout: Uint8Array; stdoutTotal: number; stderr: string }
  | { type: 'failed'; id: number; code: ErrorCode; message: string; details?: Record<string, unknown> };

/** A child process the thread started, as tests see it. */
export interface ThreadSpawn {
  pid: number;
  file: string;
  args: string[];
  /** Set once the child has exited. */
  exited: boolean;
}

export class ProcessThread {
  private worker: Worker | null = null;
  private nextId = 1;
  private pending = new Map<number, { resolve: (r: ThreadReply) => void; reject: (e: unknown) => void }>();
  private alive = new Map<number, ThreadSpawn>();
  private watchers = new Set<(s: ThreadSpawn) => void>();

  /** Every child the thread starts, as it starts (for tests: what an import runs). Returns the unsubscribe. */
  onSpawn(fn: (s: ThreadSpawn) => void): () => void {
    this.watchers.add(fn);
    return () => this.watchers.delete(fn);
  }

  /** ffprobe's facts of `file` as `probeFileWithFrameRate` gives them, read in the thread. */
  async probeWithFrameRate(ffprobe: string, file: string, signal?: AbortSignal): Promise<MediaInfo> {
    const r = await this.request({ op: 'probeWithFrameRate', binary: ffprobe, file }, signal);
    if (!('info' in r)) throw new FramewiseError('internal', 'process thread: no probe result');
    return r.info;
  }

  /**
   * `startProcess(binary, args, { lifeline })` run to its end in the thread: its stdout's first `stdoutLimit`
   * bytes, how many it wrote, and its stderr; rejects as `startProcess`'s `done` does.
   */
  async run(
    binary: string,
    args: string[],
    opts: { lifeline: boolean; stdoutLimit: number; signal?: AbortSignal },
  ): Promise<{ stdout: Buffer; stdoutTotal: number; stderr: string }> {
    const r = await this.request({ op: 'run', binary, args, lifeline: opts.lifeline, stdoutLimit: opts.stdoutLimit }, opts.signal);
    if (!('stdout' in r)) throw new FramewiseError('internal', 'process thread: no process result');
    return { stdout: Buffer.from(r.stdout.buffer, r.stdout.byteOffset, r.stdout.byteLength), stdoutTotal: r.stdoutTotal, stderr: r.stderr };
  }

  private request(req: Request, signal?: AbortSignal): Promise<ThreadReply> {
    if (signal?.aborted) return Promise.reject(cancelled());
    const worker = this.start();
    const id = this.nextId++;
    // The thread keeps the process alive while it has work (like a child process of this thread would), not after.
    if (!this.pending.size) worker.ref();
    return new Promise<ThreadReply>((resolve, reject) => {
      const onAbort = () => worker.postMessage({ op: 'abort', id });
      signal?.addEventListener('abort', onAbort, { once: true });
      const settled = () => {
        signal?.removeEventListener('abort', onAbort);
        if (!this.pending.size) worker.unref();
      };
      this.pending.set(id, {
        resolve: (r) => {
          settled();
          resolve(r);
        },
        reject: (e) => {
          settled();
          reject(e);
        },
      });
      worker.postMessage({ ...req, id } as ThreadRequest);
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./process-thread-worker.js', import.meta.url));
    worker.on('message', (m: ThreadReply) => {
      if (m.type === 'spawned') {
        const s: ThreadSpawn = { pid: m.pid, file: m.file, args: m.args, exited: false };
        this.alive.set(m.pid, s);
        for (const w of this.watchers) w(s);
      } else if (m.type === 'exited') {
        const s = this.alive.get(m.pid);
        if (s) s.exited = true;
        this.alive.delete(m.pid);
      } else {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.type === 'done') p.resolve(m);
        else p.reject(new FramewiseError(m.code, m.message, m.details));
      }
    });
    const fail = (err: unknown) => {
      this.worker = null;
      const e = new FramewiseError('internal', `process thread stopped: ${(err as Error)?.message ?? String(err)}`);
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`exit ${code}`)));
    // The children of a thread that is torn down at exit might not all be killed by the kernel in time: kill
    // the ones still running from here, as `startProcess` does for its own.
    process.once('exit', () => {
      for (const pid of this.alive.keys()) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone already */
        }
      }
    });
    // After the listeners: adding a 'message' listener refs the worker's port again.
    worker.unref();
    this.worker = worker;
    return worker;
  }
}

let shared: ProcessThread | null | undefined;

/**
 * The process's one `ProcessThread`, or null where a child's life cannot be tied to the thread's (no Linux
 * `setpriv`): there children are started on the calling thread.
 */
export function processThread(): ProcessThread | null {
  if (shared !== undefined) return shared;
  const linuxGuard = process.platform === 'linux' && ['/usr/bin/setpriv', '/bin/setpriv'].some((p) => existsSync(p));
  shared = linuxGuard && process.env.FRAMEWISE_PROCESS_THREAD !== '0' ? new ProcessThread() : null;
  return shared;
}
