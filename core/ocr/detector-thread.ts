import { disableOnnxTelemetry } from '../util/onnx-runtime.js';
import { Worker } from 'node:worker_threads';
import type { DetectedBox, DetectOptions } from './detect.js';
import type { Box, RgbImage } from './image.js';
import type { RecognizedLine } from './recognize.js';
import { FramewiseError } from '../util/errors.js';

interface WorkerReply {
  id: number;
  boxes?: DetectedBox[];
  lines?: RecognizedLine[];
  error?: string;
}

/** The text detector running in its own worker thread (same API as TextDetector). */
export class DetectorThread {
  private worker: Worker;
  private nextId = 1;
  private pending = new Map<number, { resolve: (m: WorkerReply) => void; reject: (e: Error) => void }>();
  private closed: Promise<void> | null = null;
  private exited = false;

  constructor() {
    disableOnnxTelemetry();
    this.worker = new Worker(new URL('./detect-worker.js', import.meta.url));
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

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  detect(img: RgbImage, opts: DetectOptions = {}): Promise<DetectedBox[]> {
    return this.ask({ width: img.width, height: img.height, data: img.data, opts }).then((m) => m.boxes ?? []);
  }

  /** Read each box with PP-OCR's line recogniser (loaded in this thread on first use), in order. */
  recognizeLines(img: RgbImage, boxes: Box[]): Promise<RecognizedLine[]> {
    if (!boxes.length) return Promise.resolve([]);
    const plain = boxes.map((b) => ({ x: b.x, y: b.y, width: b.width, height: b.height }));
    return this.ask({ width: img.width, height: img.height, data: img.data, recognize: plain }).then((m) => m.lines ?? []);
  }

  private ask(msg: Record<string, unknown>): Promise<WorkerReply> {
    if (this.closed) return Promise.reject(new FramewiseError('cancelled', 'Text detection stopped'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // Structured clone copies the pixels: the caller keeps its frame for recognition.
      this.worker.postMessage({ id, ...msg });
    });
  }

  /**
   * Ends the thread: detections and readings not answered yet are rejected at once; the thread finishes the ONNX
   * call it is in, releases its sessions and exits (resolves then). Never terminated inside an ONNX Runtime call:
   * that aborts the whole process ("terminate called after throwing an instance of 'Napi::Error'", seen when an
   * OCR was cancelled under load) — only a thread stuck far longer than any call is terminated, as a last resort.
   */
  close(): Promise<void> {
    this.closed ??= this.stop();
    return this.closed;
  }

  private async stop(): Promise<void> {
    this.failAll(new FramewiseError('cancelled', 'Text detection stopped'));
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage({ close: true });
    const timer = setTimeout(() => void this.worker.terminate(), 30_000);
    await exited;
    clearTimeout(timer);
  }
}
