/**
 * The worker side of `decodeInWorker` (decode-in-worker.ts): a worker thread that does all the per-frame work
 * itself. It reads whole frames from ffmpeg's FIFO with blocking reads (this thread does nothing else between
 * frames) and takes each frame's timestamp either from a second FIFO, where ffmpeg's `metadata` filter prints it
 * (`FrameTimes` `{ fd }`, ffmpeg ≥ 5.1), or from a shared ring the main thread fills from ffmpeg's `showinfo`
 * lines. No message, promise or wake-up of the main thread per frame.
 *
 * Order: ffmpeg prints or logs a frame's timestamp before the frame reaches its output, so a frame's timestamp
 * is written (or on its way) when its bytes arrive here; this thread waits for it only in that short gap.
 */
import { readSync } from 'node:fs';

export interface WorkerFramesData {
  fd: number;
  frameBytes: number;
  fpsNum: number;
  fpsDen: number;
  /**
   * The read end of the FIFO ffmpeg's `metadata` filter prints the frame times to; absent: they come through the
   * shared ring (`control`, `times`).
   */
  timesFd?: number;
  /** Int32 counters, indexed by TIMES_WRITTEN, TIMES_STATE. */
  control: SharedArrayBuffer;
  /**
   * Float64 timestamps (seconds), frame k in entry k mod TIME_SLOTS. With `timesFd`, entry 0 holds the time of
   * the latest frame read instead (for progress: the main thread looks at it now and then).
   */
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

/** Frame k's timestamp in seconds (asked for in order), or null when there is none (ffmpeg gone). */
type TimeSource = (k: number) => number | null;

/** The main thread's ring of `showinfo` times. */
function ringTimes(d: WorkerFramesData): TimeSource {
  const ctrl = new Int32Array(d.control);
  const times = new Float64Array(d.times);
  return (k) => {
    for (;;) {
      const written = Atomics.load(ctrl, TIMES_WRITTEN);
      if (written > k) break;
      if (Atomics.load(ctrl, TIMES_STATE) === TIMES_ENDED) return null;
      Atomics.wait(ctrl, TIMES_WRITTEN, written, 1000);
    }
    const t = times[k % TIME_SLOTS]!;
    Atomics.store(ctrl, FRAMES_TAKEN, k + 1);
    return t;
  };
}

/** `frame:N pts:P pts_time:T` — the line ffmpeg's `metadata=mode=print` writes before each frame's keys. */
const PRINTED = /^frame:(\d+)\s+pts:(\S+)/;

/**
 * Frame times as ffmpeg's `metadata` filter prints them (`frame:N pts:P pts_time:T`, then the frame's key line),
 * read with blocking reads from `fd`. P is in µs (the chain's `settb=AVTB`), as showinfo's `pts:` is.
 */
export function printedTimes(fd: number): TimeSource {
  const chunk = Buffer.alloc(16384);
  // Times in order; a line that gives none is kept as its error, thrown when that frame's time is asked for.
  const ready: Array<number | Error> = [];
  let partial = '';
  let ended = false;
  let taken = 0;
  return (k) => {
    while (ready.length === 0 && !ended) {
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) {
        ended = true;
        break;
      }
      const lines = (partial + chunk.toString('latin1', 0, n)).split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        const m = PRINTED.exec(line);
        if (!m) continue;
        const due = taken + ready.length;
        if (Number(m[1]) !== due) ready.push(new Error(`ffmpeg printed frame ${m[1]}'s time where frame ${due}'s was due`));
        else if (!/^-?\d+$/.test(m[2]!)) ready.push(new Error(`ffmpeg gave frame ${m[1]} no timestamp (pts ${m[2]})`));
        else ready.push(Number(m[2]) / 1e6);
      }
    }
    if (k !== taken) throw new Error(`frame ${k}'s time asked for out of order`);
    const t = ready.shift();
    if (t === undefined) return null;
    if (t instanceof Error) throw t;
    taken++;
    return t;
  };
}

/** Reads the next whole frame into `into` at byte `offset`: its time and frame number, or null at end-of-file. */
export type FrameReader = (into: Uint8Array, offset: number) => { time: number; frame: number } | null;

/**
 * Whole frames in order, each read straight into the caller's memory (a batch, say) with blocking reads, with its
 * presentation time in seconds and its frame number (time × fps, rounded). Null at end-of-file (ffmpeg gone; a
 * partial last frame is dropped, as decodeFrames does). Throws when a frame has no timestamp.
 */
export function frameReader(d: WorkerFramesData): FrameReader {
  const timeOf = d.timesFd === undefined ? ringTimes(d) : printedTimes(d.timesFd);
  const latest = d.timesFd === undefined ? null : new Float64Array(d.times, 0, 1);
  const { fd, frameBytes, fpsNum, fpsDen } = d;
  let k = 0;
  return (into, offset) => {
    let filled = 0;
    while (filled < frameBytes) {
      const n = readSync(fd, into, offset + filled, frameBytes - filled, null);
      if (n === 0) break;
      filled += n;
    }
    if (filled < frameBytes) return null;
    const t = timeOf(k);
    if (t === null) throw new Error(`ffmpeg produced frame ${k} without its timestamp`);
    if (latest) latest[0] = t;
    k++;
    return { time: t, frame: Math.round((t * fpsNum) / fpsDen) };
  };
}

/**
 * Call `onFrame` for every whole frame in order (a view of one reused buffer: valid during the call), with its
 * presentation time in seconds and its frame number (time × fps, rounded). Returns the number of frames at
 * end-of-file (`frameReader`).
 */
export function forEachFrame(d: WorkerFramesData, onFrame: (data: Uint8Array, time: number, frame: number) => void): number {
  const next = frameReader(d);
  const buf = new Uint8Array(d.frameBytes);
  let k = 0;
  for (let f = next(buf, 0); f; f = next(buf, 0)) {
    k++;
    onFrame(buf, f.time, f.frame);
  }
  return k;
}
