/**
 * The worker side of `decodeInWorker` (decode-in-worker.ts): a worker thread that does all the per-frame work
 * itself. It reads whole frames from ffmpeg's FIFO with blocking reads (this thread does nothing else between
 * frames) and takes each frame's timestamp from a shared ring the main thread fills from ffmpeg's `showinfo`
 * lines. No message, promise or wake-up of the main thread per frame.
 *
 * Order: ffmpeg logs a frame's `showinfo` line before the frame reaches its output, so a frame's timestamp is
 * written (or on its way) when its bytes arrive here; this thread waits for it only in that short gap.
 */
import { readSync } from 'node:fs';

export interface WorkerFramesData {
  fd: number;
  frameBytes: number;
  fpsNum: number;
  fpsDen: number;
  /** Int32 counters, indexed by TIMES_WRITTEN, TIMES_STATE. */
  control: SharedArrayBuffer;
  /** Float64 timestamps (seconds), frame k in entry k mod TIME_SLOTS. */
  times: SharedArrayBuffer;
}

/** Timestamps the main thread has written. */
export const TIMES_WRITTEN = 0;
/** 0 while ffmpeg runs; TIMES_ENDED once it has exited (no timestamp will follow). */
export const TIMES_STATE = 1;
/** Frames this thread has taken (the main thread never writes more than TIME_SLOTS ahead of them). */
export const FRAMES_TAKEN = 2;
export const TIMES_ENDED = 1;
/**
 * Entries of the timestamp ring. ffmpeg is at most its output queue and a few filter/decoder frames ahead of the
 * reader (it blocks on the full FIFO), far fewer than this.
 */
export const TIME_SLOTS = 4096;

/**
 * Call `onFrame` for every whole frame in order (a view of one reused buffer: valid during the call), with its
 * presentation time in seconds and its frame number (time × fps, rounded). Returns at end-of-file (ffmpeg gone;
 * a partial last frame is dropped, as decodeFrames does). Throws when a frame has no timestamp.
 */
export function forEachFrame(d: WorkerFramesData, onFrame: (data: Uint8Array, time: number, frame: number) => void): number {
  const ctrl = new Int32Array(d.control);
  const times = new Float64Array(d.times);
  const buf = new Uint8Array(d.frameBytes);
  const { fd, frameBytes, fpsNum, fpsDen } = d;
  let k = 0;
  for (;;) {
    let filled = 0;
    while (filled < frameBytes) {
      const n = readSync(fd, buf, filled, frameBytes - filled, null);
      if (n === 0) break;
      filled += n;
    }
    if (filled < frameBytes) return k;
    for (;;) {
      const written = Atomics.load(ctrl, TIMES_WRITTEN);
      if (written > k) break;
      if (Atomics.load(ctrl, TIMES_STATE) === TIMES_ENDED) throw new Error(`ffmpeg produced frame ${k} without its timestamp`);
      Atomics.wait(ctrl, TIMES_WRITTEN, written, 1000);
    }
    const t = times[k % TIME_SLOTS]!;
    k++;
    Atomics.store(ctrl, FRAMES_TAKEN, k);
    onFrame(buf, t, Math.round((t * fpsNum) / fpsDen));
  }
}
