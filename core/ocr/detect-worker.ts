/**
 * Worker thread hosting the text detector (and, on demand, PP-OCR's line recogniser), so resizing, inference
 * and DB post-processing never block the core's event loop. Messages: { id, width, height, data, opts } →
 * { id, boxes } | { id, error }; { id, recognize: boxes, width, height, data } → { id, lines } | { id, error }.
 */
import { parentPort } from 'node:worker_threads';
import { TextDetector, type DetectOptions } from './detect.js';
import type { Box } from './image.js';
import { PpOcrLineRecognizer } from './ppocr-recognize.js';

interface Request {
  id: number;
  width: number;
  height: number;
  data: Uint8Array;
  opts: DetectOptions;
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
  const ready = TextDetector.create({ threads: Number(process.env.FRAMEWISE_OCR_THREADS) || 2 });
  ready.catch(() => undefined);
  // The recogniser is loaded on first use only (the OCR pipeline itself never asks for it).
  let recognizer: Promise<PpOcrLineRecognizer> | null = null;
  port.on('message', (msg: Request | RecognizeRequest | { close: true }) => {
    if ('close' in msg) {
      void ready.then((d) => d.close()).finally(() => port.close());
      return;
    }
    if ('recognize' in msg) {
      recognizer ??= PpOcrLineRecognizer.create();
      const img = { width: msg.width, height: msg.height, data: msg.data };
      const boxes = msg.recognize;
      recognizer
        .then(async (r) => {
          const lines = [];
          for (const b of boxes) lines.push(await r.recognize(img, b));
          return lines;
        })
        .then(
          (lines) => port.postMessage({ id: msg.id, lines }),
          (err: unknown) => port.postMessage({ id: msg.id, error: err instanceof Error ? err.message : String(err) }),
        );
      return;
    }
    ready
      .then((d) => d.detect({ width: msg.width, height: msg.height, data: msg.data }, msg.opts))
      .then(
        (boxes) => port.postMessage({ id: msg.id, boxes }),
        (err: unknown) => port.postMessage({ id: msg.id, error: err instanceof Error ? err.message : String(err) }),
      );
  });
}
