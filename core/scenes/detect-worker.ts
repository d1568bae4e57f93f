/**
 * Worker thread of a scene detection (detect.ts): reads every frame from ffmpeg's FIFO and runs the detector on
 * it here (worker-frames.ts, detection-run.ts); posts the cuts and scores once, at the end.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { forEachFrame, type WorkerFramesData } from '../ffmpeg/worker-frames.js';
import type { WorkerOutcome } from '../ffmpeg/decode-in-worker.js';
import { DetectionRun, type DetectionRunSetup } from './detection-run.js';

const { frames, job } = workerData as { frames: WorkerFramesData; job: DetectionRunSetup };
let outcome: WorkerOutcome;
try {
  const run = new DetectionRun(job);
  forEachFrame(frames, (data, time, frame) => run.push(time, frame, data));
  outcome = { ok: true, result: run.finish() };
} catch (err) {
  outcome = { ok: false, message: (err as Error).message };
}
const scores = outcome.ok ? (outcome.result as { scores: Float32Array }).scores : null;
parentPort!.postMessage(outcome, scores ? [scores.buffer as ArrayBuffer] : []);
