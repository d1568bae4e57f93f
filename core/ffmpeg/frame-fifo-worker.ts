/**
 * Worker thread of `FifoFrames` (frame-fifo.ts): reads whole frames from the read end of a named pipe with
 * blocking reads straight into free slots of shared memory. Blocking here costs nothing: this thread does nothing
 * else. When no slot is free (every one holds a frame the consumer has not freed), it waits (Atomics.wait), so
 * ffmpeg blocks on the full pipe and memory stays flat.
 */
import { readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import {
  FREED,
  SLOT_FREE,
  SLOT_FULL,
  SLOT_STATE,
  slotFrame,
  STATE,
  STATE_ENDED,
  STATE_FAILED,
  WRITTEN,
  type FifoWorkerData,
} from './frame-fifo.js';

const { fd, frameBytes, slots, control, frames } = workerData as FifoWorkerData;
const ctrl = new Int32Array(control);
const data = new Uint8Array(frames);

/** A free slot, once there is one; -1 when the consumer is closing. */
function freeSlot(): number {
  for (;;) {
    const freed = Atomics.load(ctrl, FREED);
    if (Atomics.load(ctrl, STATE) !== 0) return -1;
    for (let s = 0; s < slots; s++) if (Atomics.load(ctrl, SLOT_STATE + s) === SLOT_FREE) return s;
    Atomics.wait(ctrl, FREED, freed);
  }
}

try {
  for (let written = 0; ; written++) {
    const s = freeSlot();
    if (s < 0) break;
    const slot = data.subarray(s * frameBytes, (s + 1) * frameBytes);
    let filled = 0;
    while (filled < frameBytes) {
      const n = readSync(fd, slot, filled, frameBytes - filled, null);
      if (n === 0) break;
      filled += n;
    }
    // End of the stream (every writer closed: ffmpeg exited). A partial last frame is dropped, as stdout's is.
    if (filled < frameBytes) break;
    Atomics.store(ctrl, slotFrame(slots, s), written);
    Atomics.store(ctrl, SLOT_STATE + s, SLOT_FULL);
    Atomics.store(ctrl, WRITTEN, written + 1);
    Atomics.notify(ctrl, WRITTEN);
  }
  Atomics.compareExchange(ctrl, STATE, 0, STATE_ENDED);
} catch (err) {
  parentPort?.postMessage(`Reading frames failed: ${(err as Error).message}`);
  Atomics.store(ctrl, STATE, STATE_FAILED);
}
Atomics.notify(ctrl, WRITTEN);
