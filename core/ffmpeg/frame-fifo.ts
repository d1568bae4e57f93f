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
  /** Int32 counters, indexed by WRITTEN, FREED, STATE, then per slot its state (SLOT_STATE + s) and frame (SLOT_FRAME + s). */
  control: SharedArrayBuffer;
  /** `slots` frames. */
  frames: SharedArrayBuffer;
}
/** Frames the worker has completed (frame k is in the slot whose SLOT_FRAME is k). */
export const WRITTEN = 0;
/** Counts the slots the consumer has freed (the worker waits on it when no slot is free). */
export const FREED = 1;
export const STATE = 2;
export const STATE_ENDED = 1;
export const STATE_FAILED = 2;
/** Set by the consumer: the worker stops instead of reading into a freed slot. */
export const STATE_CLOSING = 3;
/** Per slot: SLOT_FREE (the worker may read into it) or SLOT_FULL (a frame, until the consumer frees it). */
export const SLOT_STATE = 3;
export const SLOT_FREE = 0;
export const SLOT_FULL = 1;
/** Per slot after the states: the number of the frame it holds. */
export const slotFrame = (slots: number, s: number) => SLOT_STATE + slots + s;
/** Int32 counters of the control buffer for `slots` slots. */
export const controlLength = (slots: number) => SLOT_STATE + 2 * slots;

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
 * Whole frames from the FIFO's read end through `slots` frame slots shared with the worker: no message, copy or
 * allocation per frame (transferring each frame's buffer there and back cost about what the FIFO saved).
 * `next()` resolves with a frame (a view of its slot, valid until that slot is freed) or null at the end of the
 * stream. Slots are freed in any order (`free`): the worker reads the next frame into any free slot, so a frame kept
 * long only takes its own slot.
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
    const control = new SharedArrayBuffer(controlLength(slots) * Int32Array.BYTES_PER_ELEMENT);
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

  /** The next frame and its slot (for `free`), or null at the end of the stream. */
  async next(): Promise<{ data: Buffer; slot: number } | null> {
    for (;;) {
      const written = Atomics.load(this.ctrl, WRITTEN);
      if (written > this.taken) {
        const frame = this.taken++;
        for (let s = 0; s < this.slots; s++) {
          if (Atomics.load(this.ctrl, SLOT_STATE + s) === SLOT_FULL && Atomics.load(this.ctrl, slotFrame(this.slots, s)) === frame) {
            return { data: Buffer.from(this.data, s * this.frameBytes, this.frameBytes), slot: s };
          }
        }
        throw new Error(`Reading frames failed: frame ${frame} is in no slot`);
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

  /** The consumer is done with the frame in `slot`: the worker may read another frame into it. */
  free(slot: number): void {
    if (Atomics.compareExchange(this.ctrl, SLOT_STATE + slot, SLOT_FULL, SLOT_FREE) !== SLOT_FULL) return;
    Atomics.add(this.ctrl, FREED, 1);
    Atomics.notify(this.ctrl, FREED);
  }

  /**
   * Stop the worker and close the read end. Call after the writer is gone (ffmpeg exited or killed): a worker
   * inside a blocking read only returns from it at end-of-file. Frames still held keep their pixels (the worker
   * reads into no slot after this).
   */
  async close(): Promise<void> {
    // A worker waiting for a free slot wakes, sees the state and stops.
    Atomics.compareExchange(this.ctrl, STATE, 0, STATE_CLOSING);
    Atomics.add(this.ctrl, FREED, 1);
    Atomics.notify(this.ctrl, FREED);
    await this.worker.terminate();
    closeSync(this.fifo.readFd);
  }
}
