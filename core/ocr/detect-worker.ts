/**
 * Worker thread hosting the text detector (and, on demand, PP-OCR's line recogniser), so resizing, inference
 * and DB post-processing never block the core's event loop. Messages: { id, width, height, data, opts, roi? } →
 * { id, boxes } | { id, error }; { id, recognize: boxes, width, height, data } → { id, lines } | { id, error };
 * { id, loaded: true } → { id, recognizer } (whether the recogniser is loaded); { id, preload: true } → the recogniser
 * is loaded now (not on first use), then { id, recognizer: true }; { close: true } → the sessions are released after the call in progress, and the thread exits.
 *
 * Requests run one at a time, in order (each ONNX run blocks this thread anyway), so a close waits for one call
 * at most: requests queued behind it are answered with an error. The thread must never be terminated inside an
 * ONNX Runtime call — onnxruntime-node then throws a Napi::Error it cannot hand to JavaScript any more, and the
 * whole process aborts ("terminate called after throwing an instance of 'Napi::Error'").
 * `workerData.threads`: ONNX Runtime's intra-op threads (default 2; FRAMEWISE_OCR_THREADS overrides); `workerData.fused`:
 * the detector's and the recogniser's models with their affine steps folded (det-model.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { TextDetector, type DetectOptions } from './detect.js';
import type { Box } from './image.js';
import { PpOcrLineRecognizer } from './ppocr-recognize.js';

interface Request {
  id: number;
  width: number;
  height: number;
  data: Uint8Array;
  opts: DetectOptions;
  /** Detect in this rectangle of the image only (boxes in its pixels); the image is then a shared frame. */
  roi?: Box;
}

interface RecognizeRequest {
  id: number;
  width: number;
  height: number;
  data: Uint8Array;
  recognize: Box[];
}

const port = parentPort;
if (port) {
  const data = workerData as { threads?: number; fused?: boolean } | null;
  const threads = Number(process.env.FRAMEWISE_OCR_THREADS) || Number(data?.threads) || 2;
  const ready = TextDetector.create({ threads, fused: data?.fused === true });
  ready.catch(() => undefined);
  // The recogniser is loaded on first use only (the OCR pipeline itself never asks for it).
  let recognizer: Promise<PpOcrLineRecognizer> | null = null;
  let closing = false;
  let chain: Promise<unknown> = ready.catch(() => undefined);
  const answer = (id: number, work: () => Promise<Record<string, unknown>>) => {
    chain = chain.then(async () => {
      try {
        if (closing) throw new Error('the detector is closing');
        port.postMessage({ id, ...(await work()) });
      } catch (err) {
        port.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
      }
    });
  };
  port.on('message', (msg: Request | RecognizeRequest | { id: number; loaded: true } | { id: number; preload: true } | { close: true }) => {
    if ('close' in msg) {
      closing = true;
      chain = chain.then(async () => {
        await Promise.allSettled([ready.then((d) => d.close()), recognizer?.then((r) => r.close())]);
        port.close();
      });
      return;
    }
    if ('loaded' in msg) {
      answer(msg.id, () => Promise.resolve({ recognizer: recognizer !== null }));
      return;
    }
    if ('preload' in msg) {
      answer(msg.id, async () => {
        recognizer ??= PpOcrLineRecognizer.create({ fused: data?.fused === true });
        await recognizer;
        return { recognizer: true };
      });
      return;
    }
    const img = { width: msg.width, height: msg.height, data: msg.data };
    if ('recognize' in msg) {
      const boxes = msg.recognize;
      answer(msg.id, async () => {
        recognizer ??= PpOcrLineRecognizer.create({ fused: data?.fused === true });
        const r = await recognizer;
        const lines = [];
        for (const b of boxes) lines.push(await r.recognize(img, b));
        return { lines };
      });
      return;
    }
    const { opts, roi } = msg;
    answer(msg.id, async () => ({ boxes: await (await ready).detect(img, opts, roi) }));
  });
}
