import { disableOnnxTelemetry } from '../util/onnx-runtime.js';
import { Worker } from 'node:worker_threads';
import type { DetectedBox, DetectOptions } from './detect.js';
import type { RgbImage } from './image.js';
import { FramewiseError } from '../util/errors.js';

/** The text detector running in its own worker thread (same API as TextDetector). */
export class DetectorThread {
  private worker: Worker;
  private nextId = 1;
  private pending = new Map<number, { resolve: (b: DetectedBox[]) => void; reject: (e: Error) => void }>();
  private closed = false;

  constructor() {
    disableOnnxTelemetry();
    this.worker = new Worker(new URL('./detect-worker.js', import.meta.url));
    this.worker.on('message', (m: { id: number; boxes?: DetectedBox[]; error?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.error !== undefined) p.reject(new FramewiseError('worker_failed', `Text detection failed: ${m.error}`));
      else p.resolve(m.boxes ?? []);
    });
    const failAll = (err: Error) => {
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    this.worker.on('error', (e) => failAll(e));
    this.worker.on('exit', () => failAll(new FramewiseError('cancelled', 'Text detection stopped')));
  }

  detect(img: RgbImage, opts: DetectOptions = {}): Promise<DetectedBox[]> {
    if (this.closed) return Promise.reject(new FramewiseError('cancelled', 'Text detection stopped'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // Structured clone copies the pixels: the caller keeps its frame for recognition.
      this.worker.postMessage({ id, width: img.width, height: img.height, data: img.data, opts });
    });
  }

  /** Ends the thread (in-flight detections are rejected). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.worker.terminate();
  }
}
