/**
 * Raw frames from ffmpeg through a named pipe read by a worker thread, instead of the child's stdout.
 *
 * Node's child stdout is a Unix socket read on the event loop: about four wake-ups per 127 KB frame, a new
 * 64 KiB buffer per read and the stream machinery around each. For scene detection (3600 frames of 274×154 RGB)
 * that was 1.4–2.9 node CPU-s just to receive the frames, more than the detector itself. A FIFO read with
 * blocking reads in a worker costs 0.8–1.1 (docs/benchmarks.md, "Scenes: frames through a FIFO").
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
  buffers: number;
}

export type FifoWorkerMessage =
  { type: 'frame'; buffer: ArrayBuffer } | { type: 'end'; partialBytes: number } | { type: 'error'; message: string; code?: string };

export interface FrameFifo {
  /** For the child's stdout; close it (`closeWriteEnd`) once the child is started. */
  writeFd: number;
  readFd: number;
}

/** A FIFO with both ends open and no path left on disk, or null where not available (non-Linux, no mkfifo). */
export function openFrameFifo(): FrameFifo | null {
  if (process.platform !== 'linux') return null;
  let dir: string | null = null;
  try {
    dir = mkdtempSync(path.join(os.tmpdir(), 'framewise-frames-'));
    const fifo = path.join(dir, 'frames');
    const made = spawnSync('mkfifo', ['-m', '600', fifo], { stdio: 'ignore' });
    if (made.status !== 0) return null;
    // Read-write first: on Linux it never blocks, and it makes the read-only open below return at once.
    const writeFd = openSync(fifo, 'r+');
    let readFd: number;
    try {
      readFd = openSync(fifo, 'r');
    } catch {
      closeSync(writeFd);
      return null;
    }
    return { writeFd, readFd };
  } catch {
    return null;
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Whole frames from the FIFO's read end, `buffers` at most in flight between the worker and the consumer.
 * `next()` resolves with a frame (valid until `release`) or null at the end of the stream.
 */
export class FifoFrames {
  private worker: Worker;
  private frames: Buffer[] = [];
  private ended = false;
  private failure: Error | null = null;
  private wake: (() => void) | null = null;
  private exited: Promise<void>;
  /** Bytes of an incomplete last frame (0 normally). */
  partialBytes = 0;

  constructor(
    private fifo: FrameFifo,
    frameBytes: number,
    buffers: number,
  ) {
    const data: FifoWorkerData = { fd: fifo.readFd, frameBytes, buffers };
    this.worker = new Worker(new URL('./frame-fifo-worker.js', import.meta.url), { workerData: data });
    this.worker.on('message', (m: FifoWorkerMessage) => {
      if (m.type === 'frame') this.frames.push(Buffer.from(m.buffer));
      else if (m.type === 'end') {
        this.ended = true;
        this.partialBytes = m.partialBytes;
      } else this.failure = Object.assign(new Error(`Reading frames failed: ${m.message}`), m.code ? { code: m.code } : {});
      this.notify();
    });
    this.worker.on('error', (err) => ((this.failure = err), this.notify()));
    this.exited = new Promise((resolve) =>
      this.worker.once('exit', () => {
        this.ended = true;
        this.notify();
        resolve();
      }),
    );
  }

  private notify(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  async next(): Promise<Buffer | null> {
    while (this.frames.length === 0 && !this.ended && !this.failure) await new Promise<void>((r) => (this.wake = r));
    if (this.failure) throw this.failure;
    return this.frames.shift() ?? null;
  }

  /** Give a frame's buffer back to the worker (the frame must not be used afterwards). */
  release(frame: Buffer): void {
    if (!this.ended) this.worker.postMessage(frame.buffer, [frame.buffer as ArrayBuffer]);
  }

  /**
   * Stop the worker and close the read end. Call after the writer is gone (ffmpeg exited or killed): a worker
   * inside a blocking read only returns from it at end-of-file.
   */
  async close(): Promise<void> {
    await this.worker.terminate();
    await this.exited;
    closeSync(this.fifo.readFd);
  }
}
