/**
 * Decode a video with ffmpeg (the same arguments as `decodeFrames`) and hand every frame to a worker thread that
 * does all the per-frame work itself and posts one result at the end: for consumers of every frame of a whole
 * video (scene detection), where taking each frame on the main thread — a wake-up, a promise and an async
 * generator step per frame — cost node more CPU than the work on the frames.
 *
 * The worker reads the frames from a FIFO (frame-fifo.ts) with blocking reads (`forEachFrame`, worker-frames.ts),
 * and their timestamps from a second FIFO that ffmpeg's `metadata` filter prints them to (ffmpeg ≥ 5.1,
 * `printsFrameTimes`): this thread has no per-frame work at all. With older builds it reads ffmpeg's stderr and
 * passes each frame's `showinfo` timestamp on through a shared ring. Linux only, like the FIFO: elsewhere
 * `decodeInWorker` returns null and the caller uses `decodeFrames`.
 */
import { closeSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { Ffmpeg } from './index.js';
import {
  decodeArgs,
  ffmpegFailure,
  frameBytesOf,
  printsFrameTimes,
  showinfoMicros,
  type FrameGeometry,
  type Sampling,
} from './decode-frames.js';
import { openFrameFifos } from './frame-fifo.js';
import { FRAMES_TAKEN, TIME_SLOTS, TIMES_ENDED, TIMES_STATE, TIMES_WRITTEN, type WorkerFramesData } from './worker-frames.js';
import { cancelled } from '../util/errors.js';

/** What a frame worker posts once: its result, or why it failed. */
export type WorkerOutcome = { ok: true; result: unknown } | { ok: false; message: string };

/** ffmpeg's descriptor for the frame times (`StartOptions.extraFds`' first: fd 3 is the progress pipe). */
const TIMES_FD = 4;
/** How often the worker's latest frame time is looked at for `onTime` when the times are printed. */
const PROGRESS_MS = 100;

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
    /** `DecodeArgsOptions.filterThreads`. */
    filterThreads?: number;
    /**
     * The time (s) of the frames reached, for progress: every frame's as ffmpeg logs it (`showinfo`), or, when the
     * times are printed, the latest frame the worker has read, every `PROGRESS_MS`.
     */
    onTime?: (time: number) => void;
    /** 'auto' (default): printed where `printsFrameTimes`, else `showinfo`; 'showinfo': always (for comparing). */
    times?: 'auto' | 'showinfo';
  } = {},
): Promise<{ result: unknown; times: 'printed' | 'showinfo' } | null> {
  const printed = opts.times !== 'showinfo' && printsFrameTimes(ffmpeg);
  const fifos = openFrameFifos(printed ? 2 : 1);
  if (!fifos) return null;
  const fifo = fifos[0]!;
  const timesFifo = fifos[1];
  const closeReadEnds = () => fifos.forEach((f) => closeSync(f.readFd));
  const closeWriteEnds = () => fifos.forEach((f) => closeSync(f.writeFd));
  const control = new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT);
  const times = new SharedArrayBuffer(TIME_SLOTS * Float64Array.BYTES_PER_ELEMENT);
  const ctrl = new Int32Array(control);
  const timeAt = new Float64Array(times);
  let written = 0;
  let overrun = false;
  // The worker first, so that it loads its modules while ffmpeg starts (not while ffmpeg waits on a full FIFO).
  const frames: WorkerFramesData = {
    fd: fifo.readFd,
    frameBytes: frameBytesOf(g),
    fpsNum: s.fps.num,
    fpsDen: s.fps.den,
    ...(timesFifo ? { timesFd: timesFifo.readFd } : {}),
    control,
    times,
  };
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
    closeReadEnds();
  };
  let proc: ReturnType<Ffmpeg['start']>;
  /** showinfo route: each frame's timestamp from its stderr line into the worker's ring. */
  const showinfoToRing = (line: string) => {
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
  };
  try {
    const args = decodeArgs(input, g, s, {
      ...(opts.decoderOptions ? { decoderOptions: opts.decoderOptions } : {}),
      ...(opts.queueFrames ? { queueFrames: opts.queueFrames } : {}),
      ...(opts.filterThreads ? { filterThreads: opts.filterThreads } : {}),
      times: timesFifo ? { fd: TIMES_FD } : 'showinfo',
    });
    proc = ffmpeg.start(args, {
      stdoutFd: fifo.writeFd,
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(timesFifo ? { extraFds: [timesFifo.writeFd] } : { onStderrLine: showinfoToRing }),
    });
  } catch (err) {
    closeWriteEnds();
    await abandon();
    throw err;
  }
  // ffmpeg has its own copies now: its exit is the reader's end-of-file.
  closeWriteEnds();
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
  // Printed times: the worker keeps its latest frame's time in entry 0 of the ring (worker-frames.ts).
  let lastTime = 0;
  const onTime = opts.onTime;
  const progress =
    timesFifo && onTime
      ? setInterval(() => {
          const t = timeAt[0]!;
          if (t !== lastTime) onTime((lastTime = t));
        }, PROGRESS_MS)
      : null;
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
    return { result: o.result, times: timesFifo ? 'printed' : 'showinfo' };
  } finally {
    if (progress) clearInterval(progress);
    if (!exited) proc.child.kill('SIGKILL');
    await ended;
    await w.terminate();
    closeReadEnds();
  }
}
