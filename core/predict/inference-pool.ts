import { disableOnnxTelemetry } from '../util/onnx-runtime.js';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { FramewiseError, cancelled } from '../util/errors.js';
import type { FromWorker, GraphOptimization, TensorSpec, ToWorker } from './inference-protocol.js';
import type { WorkerFramesData } from '../ffmpeg/worker-frames.js';

const live = new Set<Worker>();

/** Inference workers alive in this process (tests check that cancel stops them). */
export function liveInferenceWorkers(): number {
  return live.size;
}

/**
 * Thread count for ONNX Runtime inside the worker. On a small machine ffmpeg's decoder needs the other cores
 * (decode and inference overlap), so the worker takes cores − 1, at least 1, at most 4.
 */
export function defaultIntraOpThreads(): number {
  const cores = os.availableParallelism?.() ?? os.cpus().length;
  return Math.max(1, Math.min(4, cores - 1));
}

export interface InferResult {
  scores: Float32Array;
  /** The frame buffer sent with the batch, back for reuse. */
  pixels: ArrayBuffer;
  /** Time the worker spent on the batch (ms). */
  ms: number;
}

/** Results of `readFrames`: one or more whole batches (the first `count` entries of the arrays). */
export interface ReadBatch {
  times: Float64Array;
  frames: Uint32Array;
  scores: Float32Array;
  count: number;
  /** Time the worker waited for a batch's frames / inferred it (ms), the mean over these batches. */
  readMs: number;
  ms: number;
}

interface Pending {
  resolve: (r: InferResult) => void;
  reject: (err: unknown) => void;
  /** A `readFrames` call's batches. */
  onBatch?: (b: ReadBatch) => void;
  /** A `readFrames` call's end, with its number of frames. */
  onEnd?: (samples: number) => void;
}

/** One worker thread owning one ONNX session. Batches are answered in the order they were sent. */
export class InferenceWorker {
  private pending = new Map<number, Pending>();
  private nextId = 1;
  private dead: unknown = null;
  private closing = false;

  private constructor(private worker: Worker) {
    worker.on('message', (msg: FromWorker) => {
      if (msg.type === 'result') {
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        p?.resolve({ scores: new Float32Array(msg.scores), pixels: msg.pixels, ms: msg.ms });
      } else if (msg.type === 'batch') {
        this.pending.get(msg.id)?.onBatch?.({
          times: new Float64Array(msg.times),
          frames: new Uint32Array(msg.frames),
          scores: new Float32Array(msg.scores),
          count: msg.count,
          readMs: msg.readMs,
          ms: msg.ms,
        });
      } else if (msg.type === 'read-end') {
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        p?.onEnd?.(msg.samples);
      } else if (msg.type === 'error' && msg.id !== null) {
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        p?.reject(new FramewiseError('invalid_model', `Inference failed: ${msg.message}`));
      }
    });
    const fail = (err: unknown) => {
      this.dead = err;
      live.delete(worker);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    worker.on('error', (err) => fail(new FramewiseError('worker_failed', `Inference worker crashed: ${err.message}`)));
    worker.on('exit', () => fail(this.dead ?? cancelled()));
  }

  static async start(
    modelPath: string,
    spec: TensorSpec,
    intraOpThreads = defaultIntraOpThreads(),
    graphOptimization: GraphOptimization = 'all',
  ): Promise<InferenceWorker> {
    disableOnnxTelemetry();
    const worker = new Worker(new URL('./inference-worker.js', import.meta.url));
    live.add(worker);
    const w = new InferenceWorker(worker);
    try {
      await new Promise<void>((resolve, reject) => {
        const onMsg = (msg: FromWorker) => {
          if (msg.type === 'loaded') done(null);
          else if (msg.type === 'error' && msg.id === null)
            done(new FramewiseError('invalid_model', `${modelPath}: cannot load the model: ${msg.message}`));
        };
        const onExit = () => done(new FramewiseError('worker_failed', 'The inference worker exited while loading the model'));
        const done = (err: unknown) => {
          worker.off('message', onMsg);
          worker.off('exit', onExit);
          if (err) reject(err);
          else resolve();
        };
        worker.on('message', onMsg);
        worker.on('exit', onExit);
        w.post({ type: 'load', modelPath, spec, intraOpThreads, graphOptimization });
      });
    } catch (err) {
      await w.terminate();
      throw err;
    }
    return w;
  }

  private post(msg: ToWorker, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(msg, transfer);
  }

  /** Infer `count` packed frames. The buffer is transferred (unusable afterwards). */
  async infer(pixels: ArrayBuffer, count: number): Promise<Float32Array> {
    return (await this.inferReturning(pixels, count)).scores;
  }

  /**
   * As `infer`, and the frame buffer comes back with the scores (transferred both ways, never copied), so a
   * caller can fill it again: a pipeline needs only as many buffers as batches in flight.
   */
  inferReturning(pixels: ArrayBuffer, count: number): Promise<InferResult> {
    if (this.dead) return Promise.reject(this.dead);
    if (this.closing) return Promise.reject(cancelled());
    const id = this.nextId++;
    return new Promise<InferResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.post({ type: 'run', id, count, pixels }, [pixels]);
    });
  }

  /**
   * Have the worker read a whole video's frames from ffmpeg's FIFO itself and infer them (`ToWorker` 'read'):
   * `onBatch` gets the batches' times, frame numbers and scores in order, several batches at a time. Resolves with the number of frames once
   * the FIFO ended (ffmpeg exited or was killed). The worker answers nothing else meanwhile.
   */
  readFrames(frames: WorkerFramesData, batchSize: number, onBatch: (b: ReadBatch) => void): Promise<number> {
    if (this.dead) return Promise.reject(this.dead);
    if (this.closing) return Promise.reject(cancelled());
    const id = this.nextId++;
    return new Promise<number>((resolve, reject) => {
      this.pending.set(id, { resolve: () => undefined, reject, onBatch, onEnd: resolve });
      this.post({ type: 'read', id, frames, batchSize });
    });
  }

  /**
   * Stop the thread at once. Last resort only: terminating inside a native ONNX Runtime call can abort the
   * process, so normal and cancel paths use `close()`.
   */
  async terminate(): Promise<void> {
    live.delete(this.worker);
    await this.worker.terminate().catch(() => undefined);
  }

  /**
   * End the thread: it finishes the batch it is running (batches queued behind it are dropped), releases its
   * session and exits. Resolves when the thread has exited.
   */
  async close(): Promise<void> {
    if (this.dead) return;
    this.closing = true;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.post({ type: 'close' });
    // A model stuck far longer than any batch: force it.
    const timer = setTimeout(() => void this.terminate(), 30_000);
    await exited;
    clearTimeout(timer);
    live.delete(this.worker);
  }
}
