/**
 * Raw frames from ffmpeg through a named pipe read by a worker thread, instead of the child's stdout.
 *
 * Node's child stdout is a Unix socket read on the event loop: several wake-ups per 127 KB frame, a new
 * 64 KiB buffer per read and the stream machinery around each. For scene detection (3600 frames of 274×154 RGB)
 * that was 1.3–2.9 node CPU-s just to receive the frames, more than the detector itself. With this FIFO, a
 * worker's blocking reads and a shared ring of frame slots, a whole detection costs node about 0.6 CPU-s less
 * (docs/benchmarks.md, "Scenes: frames through a FIFO").
 *
 * Linux only (it is what was measured; elsewhere `openFrameFifo` returns null and callers keep stdout). The FIFO
 * is made in a fresh private temp folder, both ends are opened at once (read-write for ffmpeg's end, so neither
 * open blocks) and the path is removed before ffmpeg starts: nothing is left behind, whatever happens later.
 * ffmpeg gets the write end as its stdout; once this process closes its copy, ffmpeg holds the only writer, so
 * the reader sees end-of-file exactly when ffmpeg exits (or is killed).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

export interface FifoWorkerData {
  fd: number;
  frameBytes: number;
  slots: number;
  /** Int32 counters, indexed by WRITTEN, CONSUMED, STATE. */
  control: SharedArrayBuffer;
  /** `slots` frames. */
  frames: SharedArrayBuffer;
}
/** Frames the worker has completed (frame k is in slot k mod slots). */
export const WRITTEN = 0;
/** Frames the consumer has released. */
export const CONSUMED = 1;
export const STATE = 2;
export const STATE_ENDED = 1;
export const STATE_FAILED = 2;

export interface FrameFifo {
  /** For the child's stdout; close it (`closeWriteEnd`) once the child is started. */
  writeFd: number;
  readFd: number;
}

/** A FIFO with both ends open and no path left on disk, or null where not available (non-Linux, no mkfifo). */
export function openFrameFifo(): FrameFifo | null {
  return openFrameFifos(1)?.[0] ?? null;
}

/** `count` such FIFOs, made by one `mkfifo`; null where not available (then none is open). */
export function openFrameFifos(count: number): FrameFifo[] | null {
  if (process.platform !== 'linux') return null;
  let dir: string | null = null;
  const opened: FrameFifo[] = [];
  try {
    dir = mkdtempSync(path.join(os.tmpdir(), 'framewise-frames-'));
    const paths = Array.from({ length: count }, (_, i) => path.join(dir!, `frames${i}`));
    const made = spawnSync('mkfifo', ['-m', '600', ...paths], { stdio: 'ignore' });
    if (made.status !== 0) return null;
    for (const fifo of paths) {
      // Read-write first: on Linux it never blocks, and it makes the read-only open below return at once.
      const writeFd = openSync(fifo, 'r+');
      let readFd: number;
      try {
        readFd = openSync(fifo, 'r');
      } catch (err) {
        closeSync(writeFd);
        throw err;
      }
      opened.push({ writeFd, readFd });
    }
    return opened;
  } catch {
    for (const f of opened) {
      closeSync(f.writeFd);
      closeSync(f.readFd);
    }
    return null;
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

/** `Atomics.waitAsync` (Node ≥ 16; not in this project's ES lib typings yet). */
const waitAsync = (
  Atomics as unknown as {
    waitAsync(a: Int32Array, i: number, v: number, timeout: number): { async: boolean; value: Promise<string> | string };
  }
).waitAsync;

/**
 * Whole frames from the FIFO's read end through a ring of `slots` frames shared with the worker: no message,
 * copy or allocation per frame (transferring each frame's buffer there and back cost about what the FIFO saved).
 * `next()` resolves with a frame (a view of its slot, valid until `release`) or null at the end of the stream.
 */
export class FifoFrames {
  private worker: Worker;
  private ctrl: Int32Array;
  private data: SharedArrayBuffer;
  private taken = 0;
  private failure: Error | null = null;
  private exited = false;

  constructor(
    private fifo: FrameFifo,
    private frameBytes: number,
    private slots: number,
  ) {
    const control = new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT);
    this.ctrl = new Int32Array(control);
    this.data = new SharedArrayBuffer(frameBytes * slots);
    const workerData: FifoWorkerData = { fd: fifo.readFd, frameBytes, slots, control, frames: this.data };
    this.worker = new Worker(new URL('./frame-fifo-worker.js', import.meta.url), { workerData });
    this.worker.on('message', (m: string) => (this.failure = new Error(m)));
    this.worker.on('error', (err) => (this.failure = err));
    this.worker.once('exit', () => {
      this.exited = true;
      // Wake a waiting `next()`: it then sees the end (or the failure).
      Atomics.notify(this.ctrl, WRITTEN);
    });
  }

  async next(): Promise<Buffer | null> {
    for (;;) {
      const written = Atomics.load(this.ctrl, WRITTEN);
      if (written > this.taken) {
        const slot = this.taken++ % this.slots;
        return Buffer.from(this.data, slot * this.frameBytes, this.frameBytes);
      }
      if (this.failure) throw this.failure;
      if (Atomics.load(this.ctrl, STATE) !== 0 || this.exited) {
        if (Atomics.load(this.ctrl, STATE) === STATE_FAILED && !this.failure) throw new Error('Reading frames failed');
        return null;
      }
      // The timeout is a safety net only (the worker notifies on every frame and at its end).
      const w = waitAsync(this.ctrl, WRITTEN, written, 1000);
      if (w.async) await w.value;
    }
  }

  /** The consumer is done with the oldest frame it was given (frames are released in order). */
  release(): void {
    Atomics.add(this.ctrl, CONSUMED, 1);
    Atomics.notify(this.ctrl, CONSUMED);
  }

  /**
   * Stop the worker and close the read end. Call after the writer is gone (ffmpeg exited or killed): a worker
   * inside a blocking read only returns from it at end-of-file.
   */
  async close(): Promise<void> {
    // Free every slot, so a worker waiting for one goes on to its read and sees the end.
    Atomics.store(this.ctrl, CONSUMED, 1 << 30);
    Atomics.notify(this.ctrl, CONSUMED);
    await this.worker.terminate();
    closeSync(this.fifo.readFd);
  }
}
