/**
 * Worker thread of `FifoFrames` (frame-fifo.ts): reads whole frames from the read end of a named pipe with
 * blocking reads into a few frame buffers that travel to the main thread and back (transferred, never copied).
 * Blocking here costs nothing: this thread does nothing else. When every buffer is out, it waits for one to come
 * back, so ffmpeg blocks on the full pipe and memory stays flat.
 */
import { readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { FifoWorkerData, FifoWorkerMessage } from './frame-fifo.js';

const port = parentPort!;
const { fd, frameBytes, buffers } = workerData as FifoWorkerData;
const free: ArrayBuffer[] = Array.from({ length: buffers }, () => new ArrayBuffer(frameBytes));
let wake: (() => void) | null = null;
port.on('message', (b: ArrayBuffer) => {
  free.push(b);
  const w = wake;
  wake = null;
  w?.();
});
const post = (m: FifoWorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

try {
  for (;;) {
    while (free.length === 0) await new Promise<void>((r) => (wake = r));
    const buffer = free.pop()!;
    const bytes = new Uint8Array(buffer);
    let filled = 0;
    while (filled < frameBytes) {
      const n = readSync(fd, bytes, filled, frameBytes - filled, null);
      if (n === 0) break;
      filled += n;
    }
    if (filled < frameBytes) {
      // End of the stream (every writer closed: ffmpeg exited). A partial frame is dropped like the pipe path does.
      post({ type: 'end', partialBytes: filled });
      break;
    }
    post({ type: 'frame', buffer }, [buffer]);
  }
} catch (err) {
  const e = err as NodeJS.ErrnoException;
  post({ type: 'error', message: e.message, ...(e.code ? { code: e.code } : {}) });
}
port.close();
