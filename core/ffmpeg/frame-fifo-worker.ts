/**
 * Worker thread of `FifoFrames` (frame-fifo.ts): reads whole frames from the read end of a named pipe with
 * blocking reads straight into the slots of a shared ring. Blocking here costs nothing: this thread does nothing
 * else. When every slot holds a frame the consumer has not released, it waits (Atomics.wait), so ffmpeg blocks
 * on the full pipe and memory stays flat.
 */
import { readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { CONSUMED, STATE, STATE_ENDED, STATE_FAILED, WRITTEN, type FifoWorkerData } from './frame-fifo.js';

const { fd, frameBytes, slots, control, frames } = workerData as FifoWorkerData;
const ctrl = new Int32Array(control);
const data = new Uint8Array(frames);

try {
  for (let written = 0; ; written++) {
    for (;;) {
      const consumed = Atomics.load(ctrl, CONSUMED);
      if (written - consumed < slots) break;
      Atomics.wait(ctrl, CONSUMED, consumed);
    }
    const slot = data.subarray((written % slots) * frameBytes, ((written % slots) + 1) * frameBytes);
    let filled = 0;
    while (filled < frameBytes) {
      const n = readSync(fd, slot, filled, frameBytes - filled, null);
      if (n === 0) break;
      filled += n;
    }
    // End of the stream (every writer closed: ffmpeg exited). A partial last frame is dropped, as stdout's is.
    if (filled < frameBytes) break;
    Atomics.store(ctrl, WRITTEN, written + 1);
    Atomics.notify(ctrl, WRITTEN);
  }
  Atomics.store(ctrl, STATE, STATE_ENDED);
} catch (err) {
  parentPort?.postMessage(`Reading frames failed: ${(err as Error).message}`);
  Atomics.store(ctrl, STATE, STATE_FAILED);
}
Atomics.notify(ctrl, WRITTEN);
