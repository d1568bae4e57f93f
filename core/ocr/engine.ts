/**
 * The OCR engine: the text detector (its own worker thread or threads) and the line recogniser (tesseract.js's
 * worker) as one pair, reading the detected lines of a frame twice where one reading is unsure.
 */
import { throwIfAborted, cancelled } from '../util/errors.js';
import { DetectorThread, type DetectorThreadOptions } from './detector-thread.js';
import { roundBox, type Box, type GrayImage, type RgbImage } from './image.js';
import { LineRecognizer, prepareLine, type RecognizedLine } from './recognize.js';
import { swappedReading } from './confusables.js';
import type { LineCache } from './line-cache.js';
import type { DetectedBox } from './detect.js';
import type { ReadLine } from './field-vote.js';

/** The second reading's line height (the first is `LINE_HEIGHT`). */
const SECOND_LINE_HEIGHT = 56;
/** Detected boxes this high or lower hold glyphs of about 14–18 px, where t and ł read alike. */
const SMALL_LINE_PX = 26;

/** Settle with `cancelled` as soon as the signal aborts, even if `p` never settles (terminated worker). */
export function raceAbort<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(cancelled());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelled());
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/** The detector + recogniser pair. Create once, reuse for many frames, close at the end (also on cancel). */
export class OcrEngine {
  private constructor(
    readonly detector: DetectorThread,
    readonly recognizer: LineRecognizer,
  ) {}

  /**
   * Detection runs in its own worker thread (or threads: `detector`, detector-thread.ts), recognition in
   * tesseract.js's worker thread.
   */
  static async create(opts: { cacheDir?: string; detector?: DetectorThreadOptions; lineRecognizer?: boolean } = {}): Promise<OcrEngine> {
    const detector = new DetectorThread(opts.detector);
    // PP-OCR's line recogniser (`lineRecognizer`) loads in the detector's thread while Tesseract loads in its own.
    const [recognizer, preloaded] = await Promise.allSettled([
      LineRecognizer.create(opts.cacheDir ? { cacheDir: opts.cacheDir } : {}),
      opts.lineRecognizer ? detector.loadRecognizer() : undefined,
    ]);
    if (recognizer.status === 'fulfilled' && preloaded.status === 'fulfilled') return new OcrEngine(detector, recognizer.value);
    await Promise.all([detector.close(), recognizer.status === 'fulfilled' ? recognizer.value.close() : undefined]);
    throw recognizer.status === 'rejected' ? recognizer.reason : (preloaded as PromiseRejectedResult).reason;
  }

  /**
   * Detect text lines in a frame and read each one. With a `cache`, a line whose pixels are the same as a line
   * read at the same place before is not read again (a burned-in overlay repeats in every sample).
   */
  async readFrame(
    img: RgbImage,
    opts: { maxSide?: number; signal?: AbortSignal; timings?: { detectMs: number; recognizeMs: number }; cache?: LineCache } = {},
  ): Promise<ReadLine[]> {
    const boxes = await this.detect(img, opts);
    return this.readBoxes(img, boxes, opts);
  }

  /** Find the text lines of a frame (detector thread). */
  async detect(
    img: RgbImage,
    opts: { maxSide?: number; signal?: AbortSignal; timings?: { detectMs: number; recognizeMs: number } } = {},
  ): Promise<DetectedBox[]> {
    const t0 = performance.now();
    const boxes = await raceAbort(this.detector.detect(img, opts.maxSide ? { maxSide: opts.maxSide } : {}), opts.signal);
    if (opts.timings) opts.timings.detectMs += performance.now() - t0;
    return boxes;
  }

  /** Read the given line boxes of a frame (boxes found in this frame or, for a burned-in overlay, in another sample). */
  async readBoxes(
    img: RgbImage,
    boxes: DetectedBox[],
    opts: {
      signal?: AbortSignal;
      timings?: { detectMs: number; recognizeMs: number };
      cache?: LineCache;
      /** The boxes were found in another sample: a box that read empty there is taken as empty again. */
      reused?: boolean;
    } = {},
  ): Promise<ReadLine[]> {
    const t1 = performance.now();
    const lines: ReadLine[] = [];
    for (const b of boxes) {
      throwIfAborted(opts.signal);
      let r = opts.reused ? opts.cache?.emptyAt(b) : undefined;
      if (!r) {
        const prepared = prepareLine(img, b);
        r = opts.cache?.lookup(b, prepared);
        if (!r) {
          r = await raceAbort(this.readTwice(img, b, prepared), opts.signal);
          opts.cache?.remember(b, prepared, r);
        }
      }
      lines.push({
        text: r.text,
        confidence: r.confidence,
        ...(r.chars ? { chars: r.chars } : {}),
        ...(r.alternative !== undefined ? { alternative: r.alternative } : {}),
        box: roundBox(b),
        detectorScore: b.score,
      });
    }
    if (opts.timings) opts.timings.recognizeMs += performance.now() - t1;
    return lines;
  }

  /**
   * Read a line at two scales. Small glyphs (14 px) lose the dot of an i or the tail of an ę at one scale
   * and not the other; when the readings differ the line keeps both (the one with the stronger weakest
   * character first) and its field confidence drops below "likely".
   */
  private async readTwice(img: RgbImage, box: Box, prepared: GrayImage): Promise<RecognizedLine> {
    const a = await this.recognizer.recognizeGray(prepared);
    const b = await this.recognizer.recognizeGray(prepareLine(img, box, SECOND_LINE_HEIGHT));
    let read: RecognizedLine = a;
    if (a.text !== b.text) {
      const weakest = (r: RecognizedLine) => Math.min(1, ...(r.chars ?? []).map((c) => c.confidence));
      const [best, other] = weakest(b) > weakest(a) ? [b, a] : [a, b];
      read = { ...best, alternative: other.text };
    }
    // At 14 px the slash of an ł blurs into a t's crossbar: every scale reads "t" with full scores. The model's
    // next choice at each t tells: ł there (and nothing else changed) means it was unsure between the two.
    // Lines with digits (dates: "Oct") are not names and skip the extra reading.
    // The second scale's t-less reading decides when the first lost every t (a real one and the ł alike).
    if (box.height <= SMALL_LINE_PX && read.text.includes('t') && !/\d/.test(read.text)) {
      for (const line of [prepared, () => prepareLine(img, box, SECOND_LINE_HEIGHT)]) {
        const next = await this.recognizer.recognizeWithout(typeof line === 'function' ? line() : line, 't');
        if (!next) break;
        const swapped = swappedReading(read.text, next.text);
        if (swapped !== null) {
          read = { ...read, alternative: swapped };
          break;
        }
      }
    }
    return read;
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.recognizer.close(), this.detector.close()]);
  }
}
