/** Messages between the prediction job and its inference worker thread. */
import type { WorkerFramesData } from '../ffmpeg/worker-frames.js';
export interface TensorSpec {
  inputName: string;
  outputName: string;
  layout: 'NCHW' | 'NHWC';
  width: number;
  height: number;
  /** Pixel value fed = (byte / scale − mean[c]) / std[c], channels in the order ffmpeg delivers them. */
  scale: number;
  mean: [number, number, number];
  std: [number, number, number];
  labels: number;
  activation: 'sigmoid' | 'softmax' | 'none';
  /** Largest batch the model accepts (null = any). */
  maxBatch: number | null;
}

/**
 * ONNX Runtime's graph optimisation level for a session. 'all' adds the layout transforms (NCHWc: convolutions
 * on channel blocks of 8 or 16), which pay off for trained CNNs with wide convolutions; for a graph whose
 * convolutions have one to three channels (the built-in heuristic model) they multiply the work instead
 * (measured on 1800 frames at 160x160, one thread: 2.9 CPU-s with 'all', 0.33 CPU-s with 'extended').
 */
export type GraphOptimization = 'all' | 'extended';

export type ToWorker =
  | { type: 'load'; modelPath: string; spec: TensorSpec; intraOpThreads: number; graphOptimization: GraphOptimization }
  /** `pixels` holds `count` packed frames (height × width × 3 bytes each). */
  | { type: 'run'; id: number; count: number; pixels: ArrayBuffer }
  /**
   * Read the frames from ffmpeg's FIFO here (worker-frames.ts), `batchSize` at a time straight into the batch, and
   * infer them: `batch` messages of one or more whole batches' results, then `read-end`.
   */
  | { type: 'read'; id: number; frames: WorkerFramesData; batchSize: number }
  | { type: 'close' };

export type FromWorker =
  | { type: 'loaded' }
  /** Row-major [count × labels] after the activation; `pixels` is the batch's frame buffer, handed back for reuse. */
  | { type: 'result'; id: number; count: number; scores: ArrayBuffer; pixels: ArrayBuffer; /** Worker time on the batch. */ ms: number }
  /**
   * Results of a `read`, in order: `count` frames' times (s), frame numbers and scores ([count × labels]), one or
   * more whole batches (the arrays may be longer than `count`).
   */
  | {
      type: 'batch';
      id: number;
      count: number;
      times: ArrayBuffer;
      frames: ArrayBuffer;
      scores: ArrayBuffer;
      /** Time spent waiting for a batch's frames / inferring it (ms), the mean over the batches posted. */
      readMs: number;
      ms: number;
    }
  | { type: 'read-end'; id: number; samples: number }
  | { type: 'error'; id: number | null; message: string };
