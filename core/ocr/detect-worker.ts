/**
 * Worker thread hosting the text detector, so resizing, inference and DB post-processing never block the
 * core's event loop. Messages: { id, width, height, data, opts } → { id, boxes } | { id, error }.
 */
import { parentPort } from 'node:worker_threads';
import { TextDetector, type DetectOptions } from './detect.js';

interface Request {
  id: number;
  width: number;
  height: number;
  data: Uint8Array;
  opts: DetectOptions;
}

const port = parentPort;
if (port) {
  const ready = TextDetector.create({ threads: Number(process.env.FRAMEWISE_OCR_THREADS) || 2 });
  ready.catch(() => undefined);
  port.on('message', (msg: Request | { close: true }) => {
    if ('close' in msg) {
      void ready.then((d) => d.close()).finally(() => port.close());
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
