import { closeSync } from 'node:fs';
import { decodeArgs, ffmpegFailure, frameBytesOf, printsFrameTimes } from '../ffmpeg/decode-frames.js';
import { openFrameFifos, type FrameFifo } from '../ffmpeg/frame-fifo.js';
import { TIME_SLOTS, type WorkerFramesData } from '../ffmpeg/worker-frames.js';
import { cancelled } from '../util/errors.js';
import { InferenceWorker, type ReadBatch } from './inference-pool.js';
import type { PipelineOptions } from './pipeline-options.js';

/** ffmpeg's descriptor for the frame times (`StartOptions.extraFds`' first: fd 3 is the progress pipe). */
const TIMES_FD = 4;
/** Weight of the latest batch in the reported mean read / inference times. */
const ALPHA = 0.2;
/** The most memory ffmpeg's decode-ahead queue may hold (frames of a large model input get fewer slots). */
const DECODE_AHEAD_BYTES = 16 * 1024 * 1024;

/**
 * Frames ffmpeg may decode ahead of the inference worker (its fifo pseudo-muxer's queue, `queueFrames`): two
 * batches, within DECODE_AHEAD_BYTES. The FIFO itself holds less than one frame of the built-in model (64 KiB),
 * so without the queue ffmpeg's main thread blocked on the pipe — and stopped feeding its decoder threads —
 * while the worker ran each batch: decoding and inference took turns instead of overlapping
 * (docs/benchmarks.md, feat/pred4). Exported so that the bench's decode alone runs the job's exact command.
 */
export function decodeAheadFrames(frameBytes: number, batchSize: number): number {
  return Math.max(2, Math.min(2 * Math.max(1, batchSize), Math.floor(DECODE_AHEAD_BYTES / Math.max(1, frameBytes))));
}

/**
 * FIFOs for `runPipelineInWorker` (frames, frame times), or null where the inference worker cannot read the frames
 * itself: no FIFO (non-Linux), or an ffmpeg that cannot print the frame times to a descriptor (< 5.1).
 */
export function workerFifos(o: Pick<PipelineOptions, 'ffmpeg'>): [FrameFifo, FrameFifo] | null {
  if (!printsFrameTimes(o.ffmpeg)) return null;
  const fifos = openFrameFifos(2);
  return fifos ? [fifos[0]!, fifos[1]!] : null;
}

/**
 * Decode → infer with the frames never on the main thread: ffmpeg writes them to a FIFO and their times (its
 * `metadata` filter) to a second one; the inference worker reads both with blocking reads, straight into its batch,
 * and posts only the batches' times, frame numbers and scores. ffmpeg decodes on while the worker infers, up to
 * its decode-ahead queue (`decodeAheadFrames`); then it blocks, so memory stays flat. The same ffmpeg arguments
 * as `decodeFrames` with printed times and that queue (`decodeArgs`). On abort ffmpeg is killed: the worker sees the FIFO's end and stops.
 */
export async function runPipelineInWorker(o: PipelineOptions, fifos: [FrameFifo, FrameFifo]): Promise<{ samples: number }> {
  const [frameFifo, timesFifo] = fifos;
  const closeReadEnds = () => fifos.forEach((f) => closeSync(f.readFd));
  const closeWriteEnds = () => fifos.forEach((f) => closeSync(f.writeFd));
  // Load the model while ffmpeg starts (ffmpeg waits on the FIFO until the worker reads).
  const starting = InferenceWorker.start(o.modelPath, o.spec, o.intraOpThreads, o.graphOptimization);
  starting.catch(() => undefined);
  let proc: ReturnType<PipelineOptions['ffmpeg']['start']>;
  try {
    const queueFrames = decodeAheadFrames(frameBytesOf(o.geometry), o.batchSize);
    proc = o.ffmpeg.start(decodeArgs(o.input, o.geometry, o.sampling, { times: { fd: TIMES_FD }, queueFrames }), {
      stdoutFd: frameFifo.writeFd,
      extraFds: [timesFifo.writeFd],
      ...(o.signal ? { signal: o.signal } : {}),
    });
  } catch (err) {
    closeWriteEnds();
    closeReadEnds();
    await (await starting.catch(() => null))?.close();
    throw err;
  }
  // ffmpeg has its own copies now: its exit is the worker's end-of-file.
  closeWriteEnds();
  o.onFfmpegStart?.(proc.child?.pid);
  let exited = false;
  const ended = proc.done.then(
    () => null,
    (err: unknown) => err,
  );
  void ended.then(() => (exited = true));
  let worker: InferenceWorker | null = null;
  let samples = 0;
  let readMs: number | null = null;
  let inferMs: number | null = null;
  try {
    if (!proc.child) throw (await ended) ?? cancelled();
    worker = await starting;
    const frames: WorkerFramesData = {
      fd: frameFifo.readFd,
      frameBytes: frameBytesOf(o.geometry),
      fpsNum: o.sampling.fps.num,
      fpsDen: o.sampling.fps.den,
      timesFd: timesFifo.readFd,
      control: new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT),
      times: new SharedArrayBuffer(TIME_SLOTS * Float64Array.BYTES_PER_ELEMENT),
    };
    // Batches are written in order, one after the other (the scores file's writes are awaited).
    let written: Promise<void> = Promise.resolve();
    let failure: unknown = null;
    const onBatch = (b: ReadBatch) => {
      readMs = readMs === null ? b.readMs : readMs + ALPHA * (b.readMs - readMs);
      inferMs = inferMs === null ? b.ms : inferMs + ALPHA * (b.ms - inferMs);
      written = written
        .then(async () => {
          if (failure) return;
          await o.onScores(b.times, b.frames, b.scores, b.count);
          samples += b.count;
          o.onProgress?.(b.times[b.count - 1]!);
        })
        .catch((err: unknown) => {
          // A failed write stops the decode: the worker then sees the FIFO's end.
          failure ??= err;
          proc.child?.kill('SIGKILL');
        });
    };
    await worker.readFrames(frames, Math.max(1, o.batchSize), onBatch);
    await written;
    const ffmpegError = await ended;
    if (o.signal?.aborted) throw cancelled();
    if (failure) throw failure;
    if (ffmpegError) throw ffmpegFailure(o.input, ffmpegError);
  } catch (err) {
    if (o.signal?.aborted) throw cancelled();
    throw err;
  } finally {
    // A worker that failed leaves ffmpeg blocked on the FIFO: end it before waiting for it.
    if (!exited) proc.child?.kill('SIGKILL');
    await ended;
    // The worker finishes the batch in hand and exits (never terminated inside ONNX Runtime: pipeline.ts).
    await (worker ?? (await starting.catch(() => null)))?.close();
    closeReadEnds();
  }
  // One batch at a time in the worker: the queue between decode and inference is the FIFO and ffmpeg's own.
  o.onQueueStats?.({ decodeMs: readMs, inferMs, maxSize: 1 });
  return { samples };
}
