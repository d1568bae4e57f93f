/**
 * How many batches may wait between the decoder and the inference worker, from their measured rates.
 *
 * Decode and inference overlap; whichever is slower on average sets the job's pace, and the queue between them
 * only has to absorb the other side's slow moments:
 * - decode-bound (a batch decodes slower than it infers on average): the decoder must never wait, so the queue
 *   holds as many batches as the decoder produces during the longest recent inference batch;
 * - inference-bound: the worker must never run dry, so the queue holds as many batches as the worker consumes
 *   during the longest recent decode of a batch.
 * That is 1 + ceil(longest recent time of the faster side ÷ mean time of the slower side), at least 2 (one batch
 * running, one ready) and at most what the memory budget allows. Until both sides have been measured the size
 * is 2. Means are exponentially weighted; "recent" is the last `window` batches of each side.
 */
export class QueueSizer {
  private decodeMean: number | null = null;
  private inferMean: number | null = null;
  private readonly decodeRecent: number[] = [];
  private readonly inferRecent: number[] = [];
  readonly max: number;
  private readonly window: number;

  constructor(opts: {
    /** Bytes one batch holds while it waits (its frame buffer). */
    batchBytes: number;
    /** Frames waiting for inference may hold at most this much memory. */
    memoryBudget?: number;
    /** Never more than this many batches, whatever the memory allows. */
    hardMax?: number;
    window?: number;
  }) {
    this.window = opts.window ?? 16;
    const budget = opts.memoryBudget ?? 128 * 1024 * 1024;
    this.max = Math.max(2, Math.min(opts.hardMax ?? 16, Math.floor(budget / Math.max(1, opts.batchBytes))));
  }

  /** Wall time the decoder took to deliver one batch (not counting time it was held back by a full queue). */
  decoded(ms: number): void {
    this.decodeMean = ewma(this.decodeMean, ms);
    push(this.decodeRecent, ms, this.window);
  }

  /** Time the worker spent on one batch. */
  inferred(ms: number): void {
    this.inferMean = ewma(this.inferMean, ms);
    push(this.inferRecent, ms, this.window);
  }

  /** Batches allowed in flight now. */
  get size(): number {
    if (this.decodeMean === null || this.inferMean === null) return 2;
    const decodeBound = this.decodeMean >= this.inferMean;
    const slowMean = Math.max(1e-3, decodeBound ? this.decodeMean : this.inferMean);
    const fastLongest = Math.max(...(decodeBound ? this.inferRecent : this.decodeRecent));
    return Math.min(this.max, Math.max(2, 1 + Math.ceil(fastLongest / slowMean)));
  }

  /** Measured means (ms per batch), for logs and the bench. */
  get rates(): { decodeMs: number | null; inferMs: number | null } {
    return { decodeMs: this.decodeMean, inferMs: this.inferMean };
  }
}

function ewma(prev: number | null, x: number): number {
  return prev === null ? x : prev * 0.8 + x * 0.2;
}

function push(list: number[], x: number, window: number): void {
  list.push(x);
  if (list.length > window) list.shift();
}
