/**
 * Worker of the predict bench's "decode alone" (decode-in-worker.ts): reads every frame from ffmpeg's FIFO as the
 * prediction job's inference worker does (`frameReader` with blocking reads, times from the second FIFO), and
 * does nothing with them; posts the frame count.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { frameReader, type WorkerFramesData } from '../../core/ffmpeg/worker-frames.js';
import type { WorkerOutcome } from '../../core/ffmpeg/decode-in-worker.js';

const { frames, job } = workerData as { frames: WorkerFramesData; job: { batchSize: number } };
let outcome: WorkerOutcome;
try {
  const next = frameReader(frames);
  const batch = new Uint8Array(frames.frameBytes * job.batchSize);
  let count = 0;
  for (let n = 0; next(batch, n * frames.frameBytes); n = (n + 1) % job.batchSize) count++;
  outcome = { ok: true, result: count };
} catch (err) {
  outcome = { ok: false, message: (err as Error).message };
}
parentPort!.postMessage(outcome);
