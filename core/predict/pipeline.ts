import { cancelled } from '../util/errors.js';
import { decodeFrames } from '../ffmpeg/decode-frames.js';
import { InferenceWorker, type InferResult } from './inference-pool.js';
import { QueueSizer } from './queue-sizer.js';
import type { PipelineOptions } from './pipeline-options.js';
import { runPipelineInWorker, workerFifos } from './pipeline-in-worker.js';

export type { PipelineOptions, QueueStats } from './pipeline-options.js';

interface Batch {
  times: Float64Array;
  frames: Uint32Array;
  count: number;
  result: Promise<InferResult>;
}

/**
 * Decode → batch → infer, overlapped: ffmpeg decodes the next frames while the worker thread runs the current
 * batch. At most so many batches wait for the worker (sized from the measured rates, see queue-sizer.ts, unless
 * `maxInFlight` fixes it); beyond that we stop pulling frames, the pipe fills and ffmpeg blocks. On abort, ffmpeg is killed and the worker stops after its current batch.
 * Frame buffers are a pool: a batch's buffer is transferred to the worker and comes back with its scores, so
 * the whole job allocates at most one more of them than the largest queue size (and the times/frame-number arrays likewise),
 * whatever the video's length; frames are copied once, from ffmpeg's pipe into the batch.
 */
export async function runPipeline(o: PipelineOptions): Promise<{ samples: number }> {
  const fifos = o.frames === 'main' ? null : workerFifos(o);
  if (fifos) return runPipelineInWorker(o, fifos);
  // Load the model while ffmpeg starts and decodes the first frames: neither waits for the other.
  const starting = InferenceWorker.start(o.modelPath, o.spec, o.intraOpThreads, o.graphOptimization);
  let worker: InferenceWorker | null = null;
  starting.then(
    (w) => (worker = w),
    () => undefined,
  );
  const frameBytes = o.geometry.width * o.geometry.height * 3;
  const batchSize = Math.max(1, o.batchSize);
  const sizer = new QueueSizer({ batchBytes: frameBytes * batchSize });
  let maxSize = 0;
  const limit = () => {
    const n = o.maxInFlight !== undefined ? Math.max(1, o.maxInFlight) : sizer.size;
    maxSize = Math.max(maxSize, n);
    return n;
  };
  const inFlight: Batch[] = [];
  let samples = 0;
  let ok = false;

  /** Buffers back from the worker, ready to be filled again. */
  const free: Array<{ pixels: ArrayBuffer; times: Float64Array; frames: Uint32Array }> = [];
  const take = () =>
    free.pop() ?? {
      pixels: new ArrayBuffer(frameBytes * batchSize),
      times: new Float64Array(batchSize),
      frames: new Uint32Array(batchSize),
    };
  const drainOne = async () => {
    const b = inFlight.shift()!;
    const { scores, pixels: back, ms } = await b.result;
    sizer.inferred(ms);
    await o.onScores(b.times, b.frames, scores, b.count);
    samples += b.count;
    if (back.byteLength === frameBytes * batchSize) free.push({ pixels: back, times: b.times, frames: b.frames });
  };
  let slot = take();
  let pixels = new Uint8Array(slot.pixels);
  let n = 0;
  /** When the batch being filled started (after any wait for the queue): its decode time excludes back-pressure. */
  let fillStart = performance.now();
  /** The first batch's time is mostly ffmpeg starting and seeking, not its decode rate. */
  let firstBatch = true;
  const flush = () => {
    if (!n) return;
    const buffer = n === batchSize ? slot.pixels : pixels.slice(0, n * frameBytes).buffer;
    const count = n;
    const result = worker ? worker.inferReturning(buffer, count) : starting.then((w) => w.inferReturning(buffer, count));
    // The arrays are handed on whole (the last batch's count says how much is filled) so they can be reused.
    inFlight.push({ times: slot.times, frames: slot.frames, count, result });
    // Avoid unhandled rejections while a batch waits its turn.
    inFlight[inFlight.length - 1]!.result.catch(() => undefined);
    slot = take();
    pixels = new Uint8Array(slot.pixels);
    n = 0;
  };
  try {
    for await (const f of decodeFrames(o.ffmpeg, o.input, o.geometry, o.sampling, {
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.onFfmpegStart ? { onStart: o.onFfmpegStart } : {}),
    })) {
      pixels.set(f.data, n * frameBytes);
      slot.times[n] = f.time;
      slot.frames[n] = f.frame;
      n++;
      if (n === batchSize) {
        if (!firstBatch) sizer.decoded(performance.now() - fillStart);
        firstBatch = false;
        if (!worker && inFlight.length >= limit()) worker = await starting;
        flush();
        o.onProgress?.(f.time);
        while (inFlight.length > limit()) await drainOne();
        fillStart = performance.now();
      }
      if (o.signal?.aborted) throw cancelled();
    }
    flush();
    while (inFlight.length) await drainOne();
    ok = true;
    o.onQueueStats?.({ ...sizer.rates, maxSize });
  } finally {
    // Always a graceful stop: the worker finishes the batch in hand (milliseconds), releases its session and
    // exits. Terminating a thread inside a native ONNX Runtime call can abort the whole process.
    const w = worker ?? (await starting.catch(() => null));
    await w?.close();
    void ok;
  }
  if (o.signal?.aborted) throw cancelled();
  return { samples };
}
