/**
 * Decode a video with ffmpeg (the same arguments as `decodeFrames`) and hand every frame to a worker thread that
 * does all the per-frame work itself and posts one result at the end: for consumers of every frame of a whole
 * video (scene detection), where taking each frame on the main thread — a wake-up, a promise and an async
 * generator step per frame — cost node more CPU than the work on the frames.
 *
 * The worker reads the frames from a FIFO (frame-fifo.ts) with blocking reads (`forEachFrame`, worker-frames.ts);
 * this thread only reads ffmpeg's stderr and passes each frame's `showinfo` timestamp on through a shared ring.
 * Linux only, like the FIFO: elsewhere `decodeInWorker` returns null and the caller uses `decodeFrames`.
 */
import { closeSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { Ffmpeg } from './index.js';
import { decodeArgs, ffmpegFailure, frameBytesOf, showinfoMicros, type FrameGeometry, type Sampling } from './decode-frames.js';
import { openFrameFifo } from './frame-fifo.js';
import { FRAMES_TAKEN, TIME_SLOTS, TIMES_ENDED, TIMES_STATE, TIMES_WRITTEN, type WorkerFramesData } from './worker-frames.js';
import { cancelled } from '../util/errors.js';

/** What a frame worker posts once: its result, or why it failed. */
export type WorkerOutcome = { ok: true; result: unknown } | { ok: false; message: string };

export async function decodeInWorker(
  ffmpeg: Ffmpeg,
  input: string,
  g: FrameGeometry,
  s: Sampling,
  worker: {
    /** The worker module; it calls `forEachFrame(workerData.frames, …)` and posts a `WorkerOutcome`. */
    url: URL;
    /** Passed as `workerData.job`. */
    job: unknown;
  },
  opts: {
    signal?: AbortSignal;
    decoderOptions?: string[];
    queueFrames?: number;
    /** Each frame's time (s) as ffmpeg decodes it (for progress). */
    onTime?: (time: number) => void;
  } = {},
): Promise<{ result: unknown } | null> {
  const fifo = openFrameFifo();
  if (!fifo) return null;
  const control = new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT);
  const times = new SharedArrayBuffer(TIME_SLOTS * Float64Array.BYTES_PER_ELEMENT);
  const ctrl = new Int32Array(control);
  const timeAt = new Float64Array(times);
  let written = 0;
  let overrun = false;
  // The worker first, so that it loads its modules while ffmpeg starts (not while ffmpeg waits on a full FIFO).
  const frames: WorkerFramesData = { fd: fifo.readFd, frameBytes: frameBytesOf(g), fpsNum: s.fps.num, fpsDen: s.fps.den, control, times };
  const w = new Worker(worker.url, { workerData: { frames, job: worker.job } });
  let outcome: WorkerOutcome | null = null;
  const workerDone = new Promise<unknown>((resolve) => {
    w.on('message', (m: WorkerOutcome) => (outcome ??= m));
    w.on('error', (err) => resolve(err));
    w.once('exit', () => resolve(null));
  });
  /** Without ffmpeg (not started): the worker sees end-of-file at once (no writer is left) and ends. */
  const abandon = async () => {
    await w.terminate();
    closeSync(fifo.readFd);
  };
  let proc: ReturnType<Ffmpeg['start']>;
  try {
    proc = ffmpeg.start(decodeArgs(input, g, s, undefined, opts.decoderOptions, opts.queueFrames), {
      stdoutFd: fifo.writeFd,
      ...(opts.signal ? { signal: opts.signal } : {}),
      onStderrLine: (line) => {
        const us = showinfoMicros(line);
        if (us === null) return;
        if (written - Atomics.load(ctrl, FRAMES_TAKEN) >= TIME_SLOTS) {
          // Cannot happen while ffmpeg blocks on the FIFO; never overwrite a timestamp not yet taken.
          overrun = true;
          proc.child?.kill('SIGKILL');
          return;
        }
        const t = us / 1e6;
        timeAt[written % TIME_SLOTS] = t;
        Atomics.store(ctrl, TIMES_WRITTEN, ++written);
        Atomics.notify(ctrl, TIMES_WRITTEN);
        opts.onTime?.(t);
      },
    });
  } catch (err) {
    closeSync(fifo.writeFd);
    await abandon();
    throw err;
  }
  // ffmpeg has its own copy now: its exit is the reader's end-of-file.
  closeSync(fifo.writeFd);
  let exited = false;
  const ended = proc.done.then(
    () => null,
    (err: unknown) => err,
  );
  void ended.then(() => {
    exited = true;
    // A worker waiting for a timestamp learns that none will come.
    Atomics.store(ctrl, TIMES_STATE, TIMES_ENDED);
    Atomics.notify(ctrl, TIMES_WRITTEN);
  });
  if (!proc.child) {
    await abandon();
    throw (await ended) ?? cancelled();
  }
  try {
    const workerError = await workerDone;
    const o = outcome as WorkerOutcome | null;
    // A worker that failed leaves ffmpeg blocked on the FIFO: end it (and report the worker's failure, not the kill).
    const workerFailed = !!workerError || !o || !o.ok;
    const killed = workerFailed && !exited;
    if (killed) proc.child.kill('SIGKILL');
    const ffmpegError = await ended;
    if (opts.signal?.aborted) throw cancelled();
    if (ffmpegError && !killed)
      throw overrun ? new Error('ffmpeg ran more than the timestamp ring ahead of the frames') : ffmpegFailure(input, ffmpegError);
    if (workerError) throw workerError;
    if (!o) throw new Error('The frame worker ended without a result');
    if (!o.ok) throw new Error(o.message);
    return { result: o.result };
  } finally {
    if (!exited) proc.child.kill('SIGKILL');
    await ended;
    await w.terminate();
    closeSync(fifo.readFd);
  }
}
