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

/** A request not yet answered: posted to a thread, or waiting in the shared queue. */
interface Job {
  id: number;
  msg: Record<string, unknown>;
  /** The thread it must go to (line recognition); any thread when absent. */
  to?: DetectorWorker;
  /** Estimated milliseconds of work (requestCost). */
  cost: number;
  resolve: (m: WorkerReply) => void;
  reject: (e: Error) => void;
}

/** One worker thread and the requests posted to it that it has not answered yet. */
class DetectorWorker {
  readonly worker: Worker;
  readonly pending = new Map<number, Job>();
  /** Estimated milliseconds of work posted and not answered yet. */
  postedCost = 0;
  exited = false;

  constructor(
    threads: number | undefined,
    fused: boolean,
    private readonly answered: () => void,
  ) {
    const data = { ...(threads ? { threads } : {}), ...(fused ? { fused } : {}) };
    this.worker = new Worker(new URL('./detect-worker.js', import.meta.url), Object.keys(data).length ? { workerData: data } : {});
    this.worker.on('message', (m: WorkerReply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      this.postedCost -= p.cost;
      if (m.error !== undefined) p.reject(new FramewiseError('worker_failed', `Text detection failed: ${m.error}`));
      else p.resolve(m);
      this.answered();
    });
    this.worker.on('error', (e) => this.failAll(e));
    this.worker.on('exit', () => {
      this.exited = true;
      this.failAll(new FramewiseError('cancelled', 'Text detection stopped'));
      this.answered();
    });
  }

  post(job: Job): void {
    this.pending.set(job.id, job);
    this.postedCost += job.cost;
    // Structured clone copies the pixels (shared memory excepted): the caller keeps its frame for recognition.
    this.worker.postMessage({ id: job.id, ...job.msg });
  }

  failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    this.postedCost = 0;
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

/**
 * Estimated work posted ahead to a thread (milliseconds, requestCost), beyond the request it is running: enough to
 * keep it busy while the main thread screens a sample (it posts nothing meanwhile), little enough that a long
 * request (a whole frame) does not hold back short ones another thread could run at once.
 */
const POST_AHEAD_MS = 25;

/**
 * A rough estimate of a request's milliseconds in one ONNX thread (measured alone, feat/vcpu3: ≈ 1.5 ms a detector
 * call + ≈ 0.2 µs a detector input pixel; a PP-OCR line ≈ 10 ms). It only orders work between threads: a wrong
 * estimate costs balance, never a result.
 */
function requestCost(msg: Record<string, unknown>): number {
  if (Array.isArray(msg.recognize)) return 10 * msg.recognize.length;
  const roi = msg.roi as Box | undefined;
  const w = roi?.width ?? Number(msg.width);
  const h = roi?.height ?? Number(msg.height);
  if (!(w > 0 && h > 0)) return 0;
  const side = (msg.opts as DetectOptions | undefined)?.maxSide ?? 960;
  const scale = Math.min(1, side / Math.max(w, h));
  return 1.5 + 0.0002 * (w * scale) * (h * scale);
}

/** The text detector running in its own worker thread(s) (same API as TextDetector). */
export class DetectorThread {
  private readonly workers: DetectorWorker[];
  /**
   * Requests not posted yet, oldest first. A thread is given more only while it has less than POST_AHEAD_MS of
   * work posted: requests were once posted at once to the thread with the fewest waiting, and a thread with a long
   * request (a verification's first, whole frame) then kept the short ones behind it while the other thread idled.
   */
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed: Promise<void> | null = null;

  constructor(opts: DetectorThreadOptions = {}) {
    disableOnnxTelemetry();
    const n = Math.max(1, Math.floor(opts.workers ?? 1));
    this.workers = Array.from({ length: n }, () => new DetectorWorker(opts.threads, opts.fused === true, () => this.pump()));
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

  /**
   * Loads the line recogniser in the first thread now rather than on its first use (a verification's first sample
   * then waited for the model load with the scan's pipeline held).
   */
  loadRecognizer(): Promise<void> {
    return this.ask({ preload: true }, this.workers[0]).then(() => undefined);
  }

  /** Per thread, whether it has loaded the line recogniser (for tests and profiling). */
  recognizersLoaded(): Promise<boolean[]> {
    return Promise.all(this.workers.map((w) => this.ask({ loaded: true }, w).then((m) => m.recognizer === true)));
  }

  private ask(msg: Record<string, unknown>, to?: DetectorWorker): Promise<WorkerReply> {
    if (this.closed) return Promise.reject(new FramewiseError('cancelled', 'Text detection stopped'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.queue.push({ id, msg, ...(to ? { to } : {}), cost: requestCost(msg), resolve, reject });
      this.pump();
    });
  }

  /** Posts queued requests, oldest first, to threads with less than POST_AHEAD_MS of work posted (or none). */
  private pump(): void {
    for (;;) {
      let posted = false;
      // The thread with the least work posted first: an idle thread takes the oldest request it may run.
      const byLoad = this.workers.filter((w) => !w.exited).sort((a, b) => a.postedCost - b.postedCost);
      for (const w of byLoad) {
        if (w.pending.size && w.postedCost >= POST_AHEAD_MS) continue;
        const i = this.queue.findIndex((j) => !j.to || j.to === w);
        if (i < 0) continue;
        w.post(this.queue.splice(i, 1)[0]!);
        posted = true;
        break;
      }
      if (!posted) break;
    }
    // Requests no live thread can take (their thread, or every thread, has exited) fail now.
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const j = this.queue[i]!;
      if (j.to ? j.to.exited : this.workers.every((w) => w.exited)) {
        this.queue.splice(i, 1);
        j.reject(new FramewiseError('cancelled', 'Text detection stopped'));
      }
    }
  }

  /**
   * Ends the threads: detections and readings not answered yet are rejected at once; each thread finishes the
   * ONNX call it is in, releases its sessions and exits (resolves then). Never terminated inside an ONNX Runtime
   * call: that aborts the whole process ("terminate called after throwing an instance of 'Napi::Error'", seen when
   * an OCR was cancelled under load) — only a thread stuck far longer than any call is terminated, as a last resort.
   */
  close(): Promise<void> {
    for (const j of this.queue.splice(0)) j.reject(new FramewiseError('cancelled', 'Text detection stopped'));
    this.closed ??= Promise.all(this.workers.map((w) => w.stop())).then(() => undefined);
    return this.closed;
  }
}
