/** Plain data types that cross the core's boundary (JSON-serializable, no classes). */

/**
 * A model in the library: a classifier (prediction) or an embedding model (similar clips; `task` "embedding",
 * no labels, `embedding` describes its vector).
 */
export interface ModelInfo {
  name: string;
  version: string;
  task: 'multilabel' | 'multiclass' | 'embedding';
  labels: string[];
  embedding: { length: number; pooling: 'none' | 'mean'; tokens: number | null; normalisation: 'l2' | 'none' } | null;
  sha256: string;
  size: number;
  builtin: boolean;
  isDefault: boolean;
  input: { width: number; height: number; layout: 'NCHW' | 'NHWC'; colorOrder: 'RGB' | 'BGR'; resize: 'stretch' | 'letterbox' };
  thresholds: Record<string, number>;
  smoothing: { windowSeconds: number; minSegmentSeconds: number; mergeGapSeconds: number; hysteresis: number };
  addedAt: string;
}

/** The latest prediction of one model on a video (its scores file is kept; re-smoothing never re-runs inference). */
export interface PredictionRun {
  id: number;
  videoId: number;
  model: string;
  modelVersion: string;
  labels: string[];
  sampleFps: number | null;
  samples: number;
  params: unknown;
  jobId: number | null;
  createdAt: string;
}

/** Score curves of one prediction run, downsampled for display (max per bucket, so short peaks stay visible). */
export interface PredictionScores {
  videoId: number;
  model: string;
  modelVersion: string;
  labels: string[];
  thresholds: Record<string, number>;
  sampleFps: number | null;
  samples: number;
  /** Bucket start times, seconds. */
  times: number[];
  /** One array per label, aligned with `times`. */
  scores: number[][];
  createdAt: string;
}
