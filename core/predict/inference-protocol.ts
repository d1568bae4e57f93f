/** Messages between the prediction job and its inference worker thread. */
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

export type ToWorker =
  | { type: 'load'; modelPath: string; spec: TensorSpec; intraOpThreads: number }
  /** `pixels` holds `count` packed frames (height × width × 3 bytes each). */
  | { type: 'run'; id: number; count: number; pixels: ArrayBuffer }
  | { type: 'close' };

export type FromWorker =
  | { type: 'loaded' }
  /** Row-major [count × labels] after the activation; `pixels` is the batch's frame buffer, handed back for reuse. */
  | { type: 'result'; id: number; count: number; scores: ArrayBuffer; pixels: ArrayBuffer; /** Worker time on the batch. */ ms: number }
  | { type: 'error'; id: number | null; message: string };
