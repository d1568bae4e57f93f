import type { Ffmpeg } from '../ffmpeg/index.js';
import { cancelled } from '../util/errors.js';
import { decodeFrames, type FrameGeometry, type Sampling } from '../ffmpeg/decode-frames.js';
import { InferenceWorker, type InferResult } from './inference-pool.js';
import type { TensorSpec } from './inference-protocol.js';

export interface PipelineOptions {
  ffmpeg: Ffmpeg;
  input: string;
  geometry: FrameGeometry;
  sampling: Sampling;
  modelPath: string;
  spec: TensorSpec;
  batchSize: number;
  intraOpThreads?: number;
  /** Batches sent to the worker and not yet answered (bounded: memory stays flat). */
  maxInFlight?: number;
  signal?: AbortSignal;
  /** Called with the time of the latest decoded sample. */
  onProgress?: (time: number) => void;
  /** Receives results in order. */
  onScores: (times: Float64Array, frames: Uint32Array, scores: Float32Array, count: number) => Promise<void>;
  onFfmpegStart?: (pid: number | undefined) => void;
}

interface Batch {
  times: Float64Array;
  frames: Uint32Array;
  count: number;
  result: Promise<InferResult>;
}

/**
 * Decode → batch → infer, overlapped: ffmpeg decodes the next frames while the worker thread runs the current
 * batch. At most `maxInFlight` batches wait for the worker; beyond that we stop pulling frames, the pipe fills
 * and ffmpeg blocks. On abort, ffmpeg is killed and the worker stops after its current batch.
 * Frame buffers are a pool: a batch's buffer is transferred to the worker and comes back with its scores, so
 * the whole job allocates at most `maxInFlight + 1` of them (and the times/frame-number arrays likewise),
 * whatever the video's length; frames are copied once, from ffmpeg's pipe into the batch.
 */
export async function runPipeline(o: PipelineOptions): Promise<{ samples: number }> {
  // Load the model while ffmpeg starts and decodes the first frames: neither waits for the other.
  const starting = InferenceWorker.start(o.modelPath, o.spec, o.intraOpThreads);
  let worker: InferenceWorker | null = null;
  starting.then(
    (w) => (worker = w),
    () => undefined,
  );
  const frameBytes = o.geometry.width * o.geometry.height * 3;
  const batchSize = Math.max(1, o.batchSize);
  const maxInFlight = Math.max(1, o.maxInFlight ?? 2);
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
    const { scores, pixels: back } = await b.result;
    await o.onScores(b.times, b.frames, scores, b.count);
    samples += b.count;
    if (back.byteLength === frameBytes * batchSize) free.push({ pixels: back, times: b.times, frames: b.frames });
  };
  let slot = take();
  let pixels = new Uint8Array(slot.pixels);
  let n = 0;
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
        if (!worker && inFlight.length >= maxInFlight) worker = await starting;
        flush();
        o.onProgress?.(f.time);
        while (inFlight.length > maxInFlight) await drainOne();
        // Collect finished batches without waiting.
      }
      if (o.signal?.aborted) throw cancelled();
    }
    flush();
    while (inFlight.length) await drainOne();
    ok = true;
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
