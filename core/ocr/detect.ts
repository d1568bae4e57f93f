import { loadOnnxRuntime } from '../util/onnx-runtime.js';
import type { InferenceSession as OrtSession } from 'onnxruntime-node';
import { bilinearTaps, type Box, type RgbImage } from './image.js';
import { fusedDetectionModel, fusedDetectionModelFile } from './det-model.js';
import { detectionModelPath } from './models.js';

/** A text line found by the detector, in frame pixels, with the detector's mean probability. */
export interface DetectedBox extends Box {
  score: number;
}

export interface DetectOptions {
  /** Longest side the frame is resized to before detection (multiple of 32). */
  maxSide?: number;
  /** Probability threshold for the text bitmap. */
  threshold?: number;
  /** Minimum mean probability of a box. */
  boxThreshold?: number;
  /** DB unclip ratio: how far a shrunk text kernel is grown back. */
  unclipRatio?: number;
}

const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];

/**
 * Resize (bilinear, the taps of `resizeBilinear` in image.ts) and normalise an RGB frame — or its rectangle `roi`,
 * exactly as if that were cropped out first — into the detector's NCHW BGR float tensor. The resize writes floats
 * straight into the planes: rounding to 8 bits first would change what the detector sees. `into`: a buffer to
 * write to when it is large enough (the tensor is then a view of its start), so a detector that runs call after
 * call allocates nothing.
 */
export function detectionTensor(
  img: RgbImage,
  maxSide: number,
  roi?: Box,
  into?: Float32Array,
): { data: Float32Array; width: number; height: number } {
  const r = roi ?? { x: 0, y: 0, width: img.width, height: img.height };
  if (r.x < 0 || r.y < 0 || r.width < 1 || r.height < 1 || r.x + r.width > img.width || r.y + r.height > img.height) {
    throw new RangeError(`detection rectangle ${r.x},${r.y} ${r.width}×${r.height} outside the ${img.width}×${img.height} image`);
  }
  const scale = Math.min(1, maxSide / Math.max(r.width, r.height));
  const width = Math.max(32, Math.round((r.width * scale) / 32) * 32);
  const height = Math.max(32, Math.round((r.height * scale) / 32) * 32);
  const plane = width * height;
  const data = into && into.length >= plane * 3 ? into.subarray(0, plane * 3) : new Float32Array(plane * 3);
  const xs = bilinearTaps(r.width, width);
  const ys = bilinearTaps(r.height, height);
  const x0 = xs.i0.map((v) => (v + r.x) * 3);
  const x1 = xs.i1.map((v) => (v + r.x) * 3);
  const wx1 = xs.w;
  const wx0 = wx1.map((w) => 1 - w);
  const src = img.data;
  // Per channel: (v / 255 - mean) / std as one multiply-add. Paddle models expect BGR: plane 0 is blue. The channels
  // are unrolled (the same arithmetic, in the same order, as one loop over them: bit-identical, ≈ 2× faster).
  // Plane t holds channel 2 − t, normalised with MEAN[t] and STD[t] (as before the unrolling).
  const gain0 = 1 / 255 / STD[0]!;
  const gain1 = 1 / 255 / STD[1]!;
  const gain2 = 1 / 255 / STD[2]!;
  const shift0 = MEAN[0]! / STD[0]!;
  const shift1 = MEAN[1]! / STD[1]!;
  const shift2 = MEAN[2]! / STD[2]!;
  for (let y = 0; y < height; y++) {
    const r0 = (ys.i0[y]! + r.y) * img.width * 3;
    const r1 = (ys.i1[y]! + r.y) * img.width * 3;
    const wy = ys.w[y]!;
    const vy = 1 - wy;
    let o = y * width;
    for (let x = 0; x < width; x++, o++) {
      const wx = wx1[x]!;
      const vx = wx0[x]!;
      const a = r0 + x0[x]!;
      const b = r0 + x1[x]!;
      const c = r1 + x0[x]!;
      const d = r1 + x1[x]!;
      const red = (src[a]! * vx + src[b]! * wx) * vy + (src[c]! * vx + src[d]! * wx) * wy;
      const g = (src[a + 1]! * vx + src[b + 1]! * wx) * vy + (src[c + 1]! * vx + src[d + 1]! * wx) * wy;
      const bl = (src[a + 2]! * vx + src[b + 2]! * wx) * vy + (src[c + 2]! * vx + src[d + 2]! * wx) * wy;
      data[o] = bl * gain0 - shift0;
      data[plane + o] = g * gain1 - shift1;
      data[2 * plane + o] = red * gain2 - shift2;
    }
  }
  return { data, width, height };
}

/** The labelling's work arrays, grown to the largest map seen (a detector thread runs one call at a time). */
let scratch = { labels: new Int32Array(0), stack: new Int32Array(0) };

/**
 * DB post-processing: threshold the probability map, label connected components, keep components whose
 * mean probability passes `boxThreshold`, grow each box back by the unclip distance (area·ratio/perimeter),
 * and scale to frame pixels.
 */
export function boxesFromProbabilityMap(
  prob: Float32Array,
  mapW: number,
  mapH: number,
  frameW: number,
  frameH: number,
  opts: Required<Pick<DetectOptions, 'threshold' | 'boxThreshold' | 'unclipRatio'>>,
): DetectedBox[] {
  const n0 = mapW * mapH;
  if (scratch.labels.length < n0) scratch = { labels: new Int32Array(n0), stack: new Int32Array(n0) };
  const labels = scratch.labels;
  labels.fill(0, 0, n0);
  const stack = scratch.stack;
  const boxes: DetectedBox[] = [];
  const threshold = opts.threshold;
  let next = 0;
  for (let start = 0; start < prob.length; start++) {
    if (labels[start] !== 0 || prob[start]! <= threshold) continue;
    next++;
    let sp = 0;
    stack[sp++] = start;
    labels[start] = next;
    let minX = mapW,
      minY = mapH,
      maxX = -1,
      maxY = -1,
      sum = 0,
      n = 0;
    while (sp > 0) {
      const p = stack[--sp]!;
      const x = p % mapW;
      const y = (p - x) / mapW;
      sum += prob[p]!;
      n++;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
      // The four neighbours, in this order (no closure a pixel: on texture that was most of a call's garbage).
      for (let k = 0; k < 4; k++) {
        let q: number;
        if (k === 0) {
          if (x === 0) continue;
          q = p - 1;
        } else if (k === 1) {
          if (x >= mapW - 1) continue;
          q = p + 1;
        } else if (k === 2) {
          if (y === 0) continue;
          q = p - mapW;
        } else {
          if (y >= mapH - 1) continue;
          q = p + mapW;
        }
        if (labels[q] === 0 && prob[q]! > threshold) {
          labels[q] = next;
          stack[sp++] = q;
        }
      }
    }
    const w = maxX - minX + 1;
    const h = maxY - minY + 1;
    if (Math.min(w, h) < 2 || n < 6) continue;
    const score = sum / n;
    if (score < opts.boxThreshold) continue;
    const d = (w * h * opts.unclipRatio) / (2 * (w + h));
    const sx = frameW / mapW;
    const sy = frameH / mapH;
    const x0 = Math.max(0, (minX - d) * sx);
    const y0 = Math.max(0, (minY - d) * sy);
    const x1 = Math.min(frameW, (maxX + 1 + d) * sx);
    const y1 = Math.min(frameH, (maxY + 1 + d) * sy);
    boxes.push({ x: Math.round(x0), y: Math.round(y0), width: Math.round(x1 - x0), height: Math.round(y1 - y0), score });
  }
  boxes.sort((a, b) => a.y - b.y || a.x - b.x);
  return boxes;
}

/** The PP-OCRv4 DB text detector on onnxruntime-node (CPU). */
export class TextDetector {
  private constructor(
    private readonly ort: typeof import('onnxruntime-node'),
    private readonly session: OrtSession,
  ) {}

  /**
   * `fused`: the model with its affine steps folded into the convolutions (det-model.ts: ≈ −24 % ONNX CPU on many
   * small inputs, boxes as the shipped model's) instead of the shipped file.
   */
  static async create(opts: { threads?: number; fused?: boolean } = {}): Promise<TextDetector> {
    const ort = await loadOnnxRuntime();
    const options: OrtSession.SessionOptions = {
      executionProviders: ['cpu'],
      intraOpNumThreads: opts.threads ?? 2,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      // Idle pool threads sleep instead of spinning: a spinning pool took ~40 % more CPU per detection (524 vs 320 ms
      // for a 1080p frame) from ffmpeg's decoding and the recogniser's thread that run beside it on 2 cores.
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    };
    let session: OrtSession;
    if (!opts.fused) session = await ort.InferenceSession.create(detectionModelPath(), options);
    else {
      const cached = fusedDetectionModelFile();
      // A cached file ONNX Runtime cannot load (damaged) gives way to the model built afresh.
      session = await (
        typeof cached === 'string' ? ort.InferenceSession.create(cached, options) : ort.InferenceSession.create(cached, options)
      ).catch(() => ort.InferenceSession.create(fusedDetectionModel(), options));
    }
    return new TextDetector(ort, session);
  }

  private inFlight: Promise<unknown> = Promise.resolve();

  /** The input tensor's buffer, reused from call to call (grown to the largest input seen). */
  private input: Float32Array = new Float32Array(0);

  /** Text lines in `img`, or in its rectangle `roi` (boxes then in the rectangle's pixels, as if it were cropped). */
  detect(img: RgbImage, opts: DetectOptions = {}, roi?: Box): Promise<DetectedBox[]> {
    const p = this.detectNow(img, opts, roi);
    this.inFlight = p.catch(() => undefined);
    return p;
  }

  private async detectNow(img: RgbImage, opts: DetectOptions, roi?: Box): Promise<DetectedBox[]> {
    const t = detectionTensor(img, opts.maxSide ?? 960, roi, this.input);
    if (t.data.buffer !== this.input.buffer) this.input = t.data;
    const input = new this.ort.Tensor('float32', t.data, [1, 3, t.height, t.width]);
    const inputName = this.session.inputNames[0]!;
    const result = await this.session.run({ [inputName]: input });
    const output = result[this.session.outputNames[0]!]!;
    const dims = output.dims;
    const mapH = Number(dims[dims.length - 2]);
    const mapW = Number(dims[dims.length - 1]);
    const prob = output.data as Float32Array;
    return boxesFromProbabilityMap(prob, mapW, mapH, roi?.width ?? img.width, roi?.height ?? img.height, {
      threshold: opts.threshold ?? 0.3,
      boxThreshold: opts.boxThreshold ?? 0.6,
      unclipRatio: opts.unclipRatio ?? 1.6,
    });
  }

  /** Releases the session after any detection in flight has finished. */
  async close(): Promise<void> {
    await this.inFlight;
    await this.session.release();
  }
}
