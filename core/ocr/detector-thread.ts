import { disableOnnxTelemetry } from '../util/onnx-runtime.js';
import { Worker } from 'node:worker_threads';
import type { DetectedBox, DetectOptions } from './detect.js';
import { rgbCrop, type Box, type RgbImage } from './image.js';
import type { RecognizedLine } from './recognize.js';
import { FramewiseError } from '../util/errors.js';

interface WorkerReply {
  id: number;
  boxes?: DetectedBox[];
  lines?: RecognizedLine[];
  /** Answer to a `loaded` question: whether the thread has loaded PP-OCR's line recogniser. */
  recognizer?: boolean;
  error?: string;
}

export interface DetectorThreadOptions {
  /**
   * Worker threads, each with its own detector session (default 1); a request goes to the one with the fewest
   * requests waiting. Two single-threaded sessions suit many small detections (verification's read rectangles):
   * ONNX Runtime splits a small input poorly between two threads (measured on the bench clip's 1423 calls: 9.8 CPU-s
   * with two threads against 7.6 with one), and two sessions keep both cores busy with whole calls instead.
   */
  workers?: number;
  /** ONNX Runtime intra-op threads per worker (default 2; FRAMEWISE_OCR_THREADS overrides). */
  threads?: number;
  /** The detector model with its affine steps folded into the convolutions (det-model.ts; default: the shipped file). */
  fused?: boolean;
}

/** Whether `data` lies in memory a worker thread can read without a copy. */
function shared(data: Uint8Array): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && data.buffer instanceof SharedArrayBuffer;
}

/** One worker thread and the requests it has not answered yet. */
class DetectorWorker {
  readonly worker: Worker;
  readonly pending = new Map<number, { resolve: (m: WorkerReply) => void; reject: (e: Error) => void }>();
  exited = false;

  constructor(threads: number | undefined, fused: boolean) {
    const data = { ...(threads ? { threads } : {}), ...(fused ? { fused } : {}) };
    this.worker = new Worker(new URL('./detect-worker.js', import.meta.url), Object.keys(data).length ? { workerData: data } : {});
    this.worker.on('message', (m: WorkerReply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.error !== undefined) p.reject(new FramewiseError('worker_failed', `Text detection failed: ${m.error}`));
      else p.resolve(m);
    });
    this.worker.on('error', (e) => this.failAll(e));
    this.worker.on('exit', () => {
      this.exited = true;
      this.failAll(new FramewiseError('cancelled', 'Text detection stopped'));
    });
  }

  failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  /**
   * Ends the thread: the thread finishes the ONNX call it is in, releases its sessions and exits (resolves then).
   * Never terminated inside an ONNX Runtime call (see DetectorThread.close).
   */
  async stop(): Promise<void> {
    this.failAll(new FramewiseError('cancelled', 'Text detection stopped'));
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage({ close: true });
    const timer = setTimeout(() => void this.worker.terminate(), 30_000);
    await exited;
    clearTimeout(timer);
  }
}

/** The text detector running in its own worker thread(s) (same API as TextDetector). */
export class DetectorThread {
  private readonly workers: DetectorWorker[];
  private nextId = 1;
  private closed: Promise<void> | null = null;

  constructor(opts: DetectorThreadOptions = {}) {
    disableOnnxTelemetry();
    const n = Math.max(1, Math.floor(opts.workers ?? 1));
    this.workers = Array.from({ length: n }, () => new DetectorWorker(opts.threads, opts.fused === true));
  }

  /**
   * Text lines in `img`, or in its rectangle `roi` (boxes then in the rectangle's pixels, as if it were cropped
   * out first). A frame in shared memory (frame-stream.ts) is handed to the thread as it is, with the rectangle:
   * no copy; any other image is copied (only the rectangle).
   */
  detect(img: RgbImage, opts: DetectOptions = {}, roi?: Box): Promise<DetectedBox[]> {
    const whole = !roi || (roi.x === 0 && roi.y === 0 && roi.width === img.width && roi.height === img.height);
    if (whole || shared(img.data)) {
      return this.ask({ width: img.width, height: img.height, data: img.data, opts, ...(whole ? {} : { roi: { ...roi } }) }).then(
        (m) => m.boxes ?? [],
      );
    }
    const crop = rgbCrop(img, roi);
    return this.ask({ width: crop.width, height: crop.height, data: crop.data, opts }).then((m) => m.boxes ?? []);
  }

  /**
   * Read each box with PP-OCR's line recogniser, in order. Always in the first thread (loaded there on first use):
   * a verification recognises a few dozen lines against some 1400 detections, and a recogniser in every thread cost
   * one more model load (≈ 0.16 CPU-s) and its own warm-up for nothing.
   */
  recognizeLines(img: RgbImage, boxes: Box[]): Promise<RecognizedLine[]> {
    if (!boxes.length) return Promise.resolve([]);
    const plain = boxes.map((b) => ({ x: b.x, y: b.y, width: b.width, height: b.height }));
    return this.ask({ width: img.width, height: img.height, data: img.data, recognize: plain }, this.workers[0]).then((m) => m.lines ?? []);
  }

  /** Per thread, whether it has loaded the line recogniser (for tests and profiling). */
  recognizersLoaded(): Promise<boolean[]> {
    return Promise.all(this.workers.map((w) => this.ask({ loaded: true }, w).then((m) => m.recognizer === true)));
  }

  private ask(msg: Record<string, unknown>, to?: DetectorWorker): Promise<WorkerReply> {
    if (this.closed) return Promise.reject(new FramewiseError('cancelled', 'Text detection stopped'));
    const id = this.nextId++;
    // The thread asked for, else the one with the fewest requests waiting (the first on a tie).
    const w = to ?? this.workers.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    return new Promise((resolve, reject) => {
      w.pending.set(id, { resolve, reject });
      // Structured clone copies the pixels (shared memory excepted): the caller keeps its frame for recognition.
      w.worker.postMessage({ id, ...msg });
    });
  }

  /**
   * Ends the threads: detections and readings not answered yet are rejected at once; each thread finishes the
   * ONNX call it is in, releases its sessions and exits (resolves then). Never terminated inside an ONNX Runtime
   * call: that aborts the whole process ("terminate called after throwing an instance of 'Napi::Error'", seen when
   * an OCR was cancelled under load) — only a thread stuck far longer than any call is terminated, as a last resort.
   */
  close(): Promise<void> {
    this.closed ??= Promise.all(this.workers.map((w) => w.stop())).then(() => undefined);
    return this.closed;
  }
}
