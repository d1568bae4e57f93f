import type { Ffmpeg } from '../ffmpeg/index.js';
import type { FrameGeometry, Sampling } from '../ffmpeg/decode-frames.js';
import type { GraphOptimization, TensorSpec } from './inference-protocol.js';

/** What `runPipeline` (pipeline.ts) takes: shared by its two routes (pipeline.ts, pipeline-in-worker.ts). */
export interface QueueStats {
  /** Mean wall time to decode one batch / worker time to infer one (ms, exponentially weighted). */
  decodeMs: number | null;
  inferMs: number | null;
  /** Largest number of batches allowed in flight during the job. */
  maxSize: number;
}

export interface PipelineOptions {
  ffmpeg: Ffmpeg;
  input: string;
  geometry: FrameGeometry;
  sampling: Sampling;
  modelPath: string;
  spec: TensorSpec;
  batchSize: number;
  intraOpThreads?: number;
  /** ONNX Runtime's graph optimisation level for this model (default 'all'; see inference-protocol.ts). */
  graphOptimization?: GraphOptimization;
  /**
   * Batches sent to the worker and not yet answered: a fixed bound, or (by default) sized from the measured decode
   * and inference rates (queue-sizer.ts), bounded by memory either way.
   */
  maxInFlight?: number;
  /** Called once at the end with the measured rates and the largest queue size used (logs, bench). */
  onQueueStats?: (stats: QueueStats) => void;
  signal?: AbortSignal;
  /** Called with the time of the latest decoded sample. */
  onProgress?: (time: number) => void;
  /** Receives results in order. */
  onScores: (times: Float64Array, frames: Uint32Array, scores: Float32Array, count: number) => Promise<void>;
  onFfmpegStart?: (pid: number | undefined) => void;
  /**
   * 'worker' (default where possible: Linux, ffmpeg ≥ 5.1): the inference worker reads the frames from ffmpeg's
   * FIFO itself (pipeline-in-worker.ts); 'main': through this thread, from ffmpeg's stdout, in batches sent to it.
   */
  frames?: 'worker' | 'main';
}
