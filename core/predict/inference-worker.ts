/**
 * Inference worker thread: owns the ONNX session, turns packed 8-bit frames into the model's float tensor (or
 * hands a uint8 model the bytes),
 * runs it in batches and applies the output activation. One job, one worker, one session.
 */
import { parentPort } from 'node:worker_threads';
import '../util/onnx-runtime.js';
import * as ort from 'onnxruntime-node';
import type { FromWorker, TensorSpec, ToWorker } from './inference-protocol.js';
import { frameReader, type WorkerFramesData } from '../ffmpeg/worker-frames.js';
import { fromHalfBits, toHalfBits } from './half.js';
import { activate, toTensorData } from './tensor.js';

if (!parentPort) throw new Error('inference-worker must run as a worker thread');
const port = parentPort;

let session: ort.InferenceSession | null = null;
let spec: TensorSpec | null = null;
let lut: Float32Array[] = [];
/** The model takes float16 input (fed as half-precision bits converted from the float32 tensor). */
let halfInput = false;
/**
 * The model takes the pixel bytes themselves (its graph casts and normalises them): NHWC is exactly what ffmpeg
 * delivers, so nothing is converted here — the float conversion was 0.38–0.49 of the worker's 1.07–1.29 CPU-s per
 * 1800 frames of the built-in model (docs/benchmarks.md).
 */
let byteInput = false;
/** The float input tensor's storage, reused from batch to batch (grown when a batch needs more). */
let tensorStore = new Float32Array(0);
let byteStore = new Uint8Array(0);

/** This batch's frames as a uint8 tensor in the model's layout (padded with zeros to `batch` frames). */
function byteTensor(frames: Uint8Array, n: number, batch: number, s: TensorSpec, dims: number[]): ort.Tensor {
  const frameBytes = s.width * s.height * 3;
  if (s.layout === 'NHWC' && batch === n) return new ort.Tensor('uint8', frames, dims);
  if (byteStore.length < batch * frameBytes) byteStore = new Uint8Array(batch * frameBytes);
  const out = byteStore.subarray(0, batch * frameBytes);
  out.fill(0, n * frameBytes);
  if (s.layout === 'NHWC') out.set(frames);
  else {
    const hw = s.width * s.height;
    for (let k = 0; k < n; k++) {
      const src = k * frameBytes;
      for (let i = 0; i < hw; i++) {
        out[src + i] = frames[src + 3 * i]!;
        out[src + hw + i] = frames[src + 3 * i + 1]!;
        out[src + 2 * hw + i] = frames[src + 3 * i + 2]!;
      }
    }
  }
  return new ort.Tensor('uint8', out, dims);
}

function send(msg: FromWorker, transfer: ArrayBuffer[] = []): void {
  port.postMessage(msg, transfer);
}

/** Per-channel lookup table byte → normalized value. */
function buildLut(s: TensorSpec): Float32Array[] {
  return [0, 1, 2].map((c) => {
    const t = new Float32Array(256);
    for (let b = 0; b < 256; b++) t[b] = (b / s.scale - s.mean[c]!) / s.std[c]!;
    return t;
  });
}

/** Scores ([count × labels], after the activation) of `count` packed frames. */
async function scoresOf(pixels: Uint8Array, count: number): Promise<Float32Array> {
  if (!session || !spec) throw new Error('model not loaded');
  const s = spec;
  const frameBytes = s.width * s.height * 3;
  const result = new Float32Array(count * s.labels);
  // A model with a fixed batch size gets exactly that many frames per run (the last run padded with zeros).
  const fixed = s.maxBatch;
  const step = fixed ?? count;
  for (let start = 0; start < count; start += step) {
    const n = Math.min(step, count - start);
    const batch = fixed ?? n;
    const dims = s.layout === 'NCHW' ? [batch, 3, s.height, s.width] : [batch, s.height, s.width, 3];
    let input: ort.Tensor;
    if (byteInput) input = byteTensor(pixels.subarray(start * frameBytes, (start + n) * frameBytes), n, batch, s, dims);
    else {
      if (tensorStore.length < batch * frameBytes) tensorStore = new Float32Array(batch * frameBytes);
      const data = tensorStore.subarray(0, batch * frameBytes);
      toTensorData(pixels.subarray(start * frameBytes, (start + n) * frameBytes), n, s, lut, data);
      // A fixed-size batch is padded with zeros.
      if (batch > n) data.fill(0, n * frameBytes);
      input = halfInput ? new ort.Tensor('float16', toHalfBits(data), dims) : new ort.Tensor('float32', data, dims);
    }
    const out = await session.run({ [s.inputName]: input });
    const t = out[s.outputName];
    if (!t) throw new Error(`the model returned no output "${s.outputName}"`);
    const values = t.type === 'float16' ? fromHalfBits(t.data as Uint16Array) : (t.data as Float32Array);
    if (values.length !== batch * s.labels)
      throw new Error(`output "${s.outputName}" has ${values.length} values for ${batch} frames; expected ${batch * s.labels}`);
    result.set(values.subarray(0, n * s.labels), start * s.labels);
  }
  activate(result, count, s);
  return result;
}

async function run(id: number, count: number, buffer: ArrayBuffer): Promise<void> {
  const t0 = performance.now();
  const result = await scoresOf(new Uint8Array(buffer), count);
  send({ type: 'result', id, count, scores: result.buffer as ArrayBuffer, pixels: buffer, ms: performance.now() - t0 }, [
    result.buffer as ArrayBuffer,
    buffer,
  ]);
}

/** Frames whose results the worker gathers before posting them (fewer wake-ups of the main thread). */
const POST_FRAMES = 64;
/** ... unless this long has passed since the last post (a slow model still reports progress often). */
const POST_MS = 250;

/**
 * A whole video's frames from ffmpeg's FIFO, read here with blocking reads straight into one batch buffer, inferred
 * batch by batch; only the times, frame numbers and scores go to the main thread. The frames never pass through
 * the main thread (no wake-up, copy or transfer per frame or batch there): the job's node CPU beyond decoding is
 * then the model's own work (docs/benchmarks.md, feat/pred3). Results are posted for about POST_FRAMES frames at a
 * time, not per batch: each message wakes the main thread and makes a write of the scores file, which cost the
 * job's main thread more than the work itself (docs/benchmarks.md, feat/pred4).
 */
async function readFrames(id: number, d: WorkerFramesData, batchSize: number): Promise<void> {
  if (!spec) throw new Error('model not loaded');
  const frameBytes = spec.width * spec.height * 3;
  if (d.frameBytes !== frameBytes) throw new Error(`frames of ${d.frameBytes} bytes for a ${spec.width}x${spec.height} model`);
  const labels = spec.labels;
  const next = frameReader(d);
  const pixels = new Uint8Array(frameBytes * batchSize);
  // Whole batches per post: at least one.
  const capacity = batchSize * Math.max(1, Math.floor(POST_FRAMES / batchSize));
  let times = new Float64Array(capacity);
  let frames = new Uint32Array(capacity);
  let scores = new Float32Array(capacity * labels);
  let held = 0;
  let batches = 0;
  let readMs = 0;
  let inferMs = 0;
  let postedAt = performance.now();
  const post = () => {
    const msg: FromWorker = {
      type: 'batch',
      id,
      count: held,
      times: times.buffer,
      frames: frames.buffer,
      scores: scores.buffer,
      readMs: readMs / batches,
      ms: inferMs / batches,
    };
    send(msg, [times.buffer, frames.buffer, scores.buffer]);
    times = new Float64Array(capacity);
    frames = new Uint32Array(capacity);
    scores = new Float32Array(capacity * labels);
    held = batches = readMs = inferMs = 0;
    postedAt = performance.now();
  };
  let samples = 0;
  for (let more = true; more && !closing;) {
    const t0 = performance.now();
    let n = 0;
    for (; n < batchSize; n++) {
      const f = next(pixels, n * frameBytes);
      if (!f) break;
      times[held + n] = f.time;
      frames[held + n] = f.frame;
    }
    more = n === batchSize;
    if (!n) break;
    const t1 = performance.now();
    scores.set(await scoresOf(pixels.subarray(0, n * frameBytes), n), held * labels);
    const t2 = performance.now();
    held += n;
    batches++;
    readMs += t1 - t0;
    inferMs += t2 - t1;
    samples += n;
    if (held + batchSize > capacity || t2 - postedAt >= POST_MS) post();
  }
  if (held) post();
  send({ type: 'read-end', id, samples });
}

async function handle(msg: ToWorker): Promise<void> {
  try {
    if (msg.type === 'load') {
      spec = msg.spec;
      lut = buildLut(msg.spec);
      session = await ort.InferenceSession.create(msg.modelPath, {
        intraOpNumThreads: msg.intraOpThreads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: msg.graphOptimization,
        // ONNX Runtime's pool threads spin between and after ops by default: on a small machine that spinning
        // takes the cores ffmpeg's decoder needs (measured with 2 intra-op threads: 0.85 vs 0.4 CPU-s per 1800
        // frames of the built-in model). Idle threads sleep instead.
        extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
      });
      // A fixed (numeric) batch dimension in the model overrides the batch size we were given.
      const meta = session.inputMetadata.find((m) => m.name === msg.spec.inputName);
      const n = meta && meta.isTensor ? meta.shape[0] : undefined;
      halfInput = Boolean(meta && meta.isTensor && meta.type === 'float16');
      byteInput = Boolean(meta && meta.isTensor && meta.type === 'uint8');
      if (typeof n === 'number' && n > 0) spec = { ...msg.spec, maxBatch: n };
      send({ type: 'loaded' });
    } else if (msg.type === 'run') {
      if (!closing) await run(msg.id, msg.count, msg.pixels);
    } else if (msg.type === 'read') {
      await readFrames(msg.id, msg.frames, Math.max(1, msg.batchSize));
    } else if (msg.type === 'close') {
      await session?.release().catch(() => undefined);
      session = null;
      port.close();
    }
  } catch (err) {
    send({
      type: 'error',
      id: msg.type === 'run' || msg.type === 'read' ? msg.id : null,
      message: (err as Error).message.split('\n')[0]?.slice(0, 500) ?? 'error',
    });
  }
}

// One message at a time, in order: results come back in the order batches were sent.
let chain = Promise.resolve();
let closing = false;
port.on('message', (msg: ToWorker) => {
  // A close request skips the batches still queued behind the one running (cancel stops within one batch).
  if (msg.type === 'close') closing = true;
  chain = chain.then(() => handle(msg));
});
