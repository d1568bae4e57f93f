import { LineCache, OcrEngine, raceAbort } from '../../ocr/pipeline.js';
import { rgbCrop, type Box, type RgbImage } from '../../ocr/image.js';
import { prepareLine, type RecognizedLine } from '../../ocr/recognize.js';
import type { FrameTextReader, FrameTextLine } from '../frame-text.js';
import { SMALL_TEXT_BUDGET, smallTextCropsIn, SMALL_TEXT_BELOW_SCALE } from './small-text.js';
import { SmallTextChecks } from './small-text-checks.js';
import { mergeZoomed, ZOOM_MAX_DETECTOR_HEIGHT, ZoomCache, zoomCrops, zoomedCrop } from './zoom.js';

/** Boxes smaller than this (frame pixels) hold no readable text (a 14 px font gives ~17 px tall boxes). */
const MIN_BOX_HEIGHT = 12;
const MIN_BOX_WIDTH = 8;
/** PP-OCR readings below this mean character score also get Tesseract's reading. */
const SURE = 0.85;
/**
 * A line read as Latin text is read once more with this much of its height added on either side. The detector's
 * box ends where its text probability drops, and on a line crossing from one ground to another it drops early:
 * the letters on the ground they barely differ from are left out of the box (recall corpus, 1080p packed:
 * "Schneider" in cyan read "chneidel", its S on green outside the box; "04.07.2001" in pink read ".07.2001", its
 * 04 on orange). The recogniser reads those letters once it sees them: with 0.6 heights both were read whole
 * (0.3: "4.07.2001"). Only Latin readings get the wider look: padding every line widened the recogniser's input
 * of the texture blobs a masked output is full of (boxes about as wide as tall) to twice their width.
 */
export const RECOGNITION_PAD = 0.6;

/** Latin letters and digits in a reading. */
function latinChars(text: string): number {
  return text.match(/[\p{Script=Latin}\p{N}]/gu)?.length ?? 0;
}

/**
 * A line's reading with the wider look's reading, when it differs (see RECOGNITION_PAD), and how far (pixels) the
 * letters of that reading reach beyond the detector's box on either side.
 */
type ReaderLine = RecognizedLine & { wider?: string; reach?: { left: number; right: number } };

/**
 * How far the letters a wider reading (`wide`, of `padded`) read reach beyond the detector's `box`, in pixels to the
 * left and right: from where the recogniser read its first and last character, plus one character's pitch (a CTC
 * step marks a point of the letter, not its edges), within the padded crop. The detector's box ends early on a ground
 * the letters barely differ from: a mask built from it alone would leave the letters the wider look recovered visible.
 * Without character positions, the whole padded crop.
 */
export function widerReach(
  box: { x: number; width: number; height: number },
  padded: { x: number; width: number },
  wide: RecognizedLine,
): { left: number; right: number } {
  const spans = (wide.chars ?? []).flatMap((c) => (c.span && c.text.trim() ? [c.span] : []));
  let x0 = padded.x;
  let x1 = padded.x + padded.width;
  if (spans.length) {
    const first = padded.x + spans[0]![0] * padded.width;
    const last = padded.x + spans[spans.length - 1]![1] * padded.width;
    const pitch = spans.length > 1 ? (last - first) / spans.length : 0.6 * box.height;
    x0 = Math.max(x0, first - pitch);
    x1 = Math.min(x1, last + pitch);
  }
  return { left: Math.max(0, Math.round(box.x - x0)), right: Math.max(0, Math.round(x1 - (box.x + box.width))) };
}

/** `b` widened by RECOGNITION_PAD heights on either side, inside the image. */
export function paddedLine<B extends { x: number; y: number; width: number; height: number }>(b: B, width: number): B {
  const d = Math.round(RECOGNITION_PAD * b.height);
  const x = Math.max(0, Math.round(b.x) - d);
  return { ...b, x, width: Math.min(width, Math.round(b.x + b.width) + d) - x };
}

/**
 * When Tesseract reads a line too: `never` (PP-OCR only), `unsure` (PP-OCR's reading is weak or holds
 * characters no overlay prints — the model guessing), `always`.
 */
export type SecondReading = 'never' | 'unsure' | 'always';

/**
 * Whether a PP-OCR reading of what looks like Latin text is a guess: weak, or mixed with letters outside
 * Latin script (its dictionary is mostly Chinese). Lines read as no Latin letter or digit at all are the
 * texture the detector mistook for text (what Tesseract makes of them is noise too): not read twice.
 */
export function unsureReading(r: RecognizedLine): boolean {
  if (latinChars(r.text) < 2) return false;
  return r.confidence < SURE || /[^\p{Script=Latin}\p{N}\p{P}\p{S}\p{Zs}]/u.test(r.text);
}

/**
 * The OCR capability's detector + line recognisers as the anonymization's frame reader: the detector finds
 * text lines anywhere in the picture (or in `roi`), each line is read by PP-OCR's scene-text recogniser
 * (reads light text on busy, colourful ground, where Tesseract lost 1 in 10 patient tokens of the recall
 * corpus), and by Tesseract as well when PP-OCR is unsure (`second`); patient tokens are looked for in both
 * readings. A line whose pixels were read at the same place before is not read again (a stamp that stays put
 * is read once). Detection and PP-OCR run in the detector's worker thread, Tesseract in its own.
 * `maxSide`: the longest side the picture is scaled to for detection (default 960); `zoom`: weak fragments of
 * that detection are detected again in a crop scaled up (zoom.ts; default on).
 */
/**
 * Where the reader's time went, per stage: wall milliseconds waited and process CPU milliseconds over the same
 * span (exact only while one frame is read at a time), with counts. For the bench and profiling.
 */
export interface ReaderStats {
  frames: number;
  detectPixels: number;
  zoomDetects: number;
  /** Detector input pixels of the zoom detections (crops scaled ×2). */
  zoomPixels: number;
  /** Full-scale detections of crops where small text may be (small-text.ts), and their input pixels. */
  smallTextDetects: number;
  smallTextPixels: number;
  /** Crops not detected: over SMALL_TEXT_BUDGET. */
  smallTextSkipped: number;
  /** Crops not detected: a full-scale detection saw their pixels in the same state before (small-text-checks.ts). */
  smallTextReused: number;
  linesFound: number;
  linesCached: number;
  linesRecognized: number;
  linesTesseract: number;
  /** Lines read as Latin text and read again wider (RECOGNITION_PAD). */
  linesWidened: number;
  ms: Record<ReaderStage, number>;
  cpuMs: Record<ReaderStage, number>;
}

export type ReaderStage = 'prepare' | 'detect' | 'zoom' | 'small' | 'recognize' | 'tesseract';

export function emptyReaderStats(): ReaderStats {
  const zero = (): Record<ReaderStage, number> => ({ prepare: 0, detect: 0, zoom: 0, small: 0, recognize: 0, tesseract: 0 });
  return {
    frames: 0,
    detectPixels: 0,
    zoomDetects: 0,
    zoomPixels: 0,
    smallTextDetects: 0,
    smallTextPixels: 0,
    smallTextSkipped: 0,
    smallTextReused: 0,
    linesFound: 0,
    linesCached: 0,
    linesRecognized: 0,
    linesTesseract: 0,
    linesWidened: 0,
    ms: zero(),
    cpuMs: zero(),
  };
}

/**
 * Time `p` into `stats` under `stage`: wall, and process CPU when `cpu` (process.cpuUsage sums every thread of the
 * process: ≈ 30–40 µs a call beside the detector's and V8's threads, thousands of calls a verification).
 */
async function timed<T>(stats: ReaderStats, stage: ReaderStage, cpu: boolean, p: () => Promise<T>): Promise<T> {
  const t = performance.now();
  const c = cpu ? process.cpuUsage() : undefined;
  try {
    return await p();
  } finally {
    stats.ms[stage] += performance.now() - t;
    if (c) {
      const d = process.cpuUsage(c);
      stats.cpuMs[stage] += (d.user + d.system) / 1000;
    }
  }
}

/**
 * The reader's detector: two worker threads with one ONNX Runtime thread each (detector-thread.ts). A verification
 * asks for many small detections (bench clip: 1423, 20 k detector pixels on average), which one session split
 * between two threads poorly; two sessions run two of them at once. The model with its affine steps folded into the
 * convolutions (det-model.ts): ≈ −24 % ONNX CPU on these inputs, the same boxes.
 */
const READER_DETECTOR = { workers: 2, threads: 1, fused: true };

export async function createOcrFrameReader(
  opts: {
    maxSide?: number;
    second?: SecondReading;
    zoom?: boolean;
    smallText?: boolean;
    /** Share of the scaled detections' pixels the full-scale small-text detections may take (default SMALL_TEXT_BUDGET). */
    smallTextBudget?: number;
    cpuStats?: boolean;
  } = {},
): Promise<FrameTextReader & { stats: ReaderStats }> {
  // The line recogniser is loaded with the reader: every verification that finds a line needs it, and loaded on first
  // use it held the first sample (and so the scan's pipeline) for the model load.
  const engine = await OcrEngine.create({ detector: READER_DETECTOR, lineRecognizer: true });
  const cpu = opts.cpuStats ?? false;
  const cache = new LineCache();
  const zoomCache = new ZoomCache();
  const maxSide = opts.maxSide ?? 960;
  const second = opts.second ?? 'unsure';
  const zoom = opts.zoom ?? true;
  const smallText = opts.smallText ?? true;
  const smallChecks = new SmallTextChecks();
  const smallTextBudget = opts.smallTextBudget ?? SMALL_TEXT_BUDGET;
  const stats = emptyReaderStats();
  return {
    stats,
    name: `ocr-detector+ppocr-lines${second === 'never' ? '' : `+tesseract-${second}`}`,
    async read(frame, signal, roi): Promise<FrameTextLine[]> {
      const area = roi ?? { x: 0, y: 0, width: frame.width, height: frame.height };
      // The area's own pixels, copied only when something is read in it (the detector reads the frame's rectangle).
      let cropped: RgbImage | undefined;
      const img = () => (cropped ??= roi ? rgbCrop(frame, roi) : frame);
      // A rectangle of the area (its pixels) in frame pixels.
      const inFrame = <B extends Box>(b: B): B => ({ ...b, x: b.x + area.x, y: b.y + area.y });
      const inArea = <B extends Box>(b: B): B => ({ ...b, x: b.x - area.x, y: b.y - area.y });
      // The same scale as for the whole frame: a smaller area costs less, text is not shrunk more.
      const scale = Math.min(1, maxSide / Math.max(frame.width, frame.height));
      const side = Math.max(32, Math.round(Math.max(area.width, area.height) * scale));
      stats.frames++;
      let boxes = await timed(stats, 'detect', cpu, () => raceAbort(engine.detector.detect(frame, { maxSide: side }, roi), signal));
      stats.detectPixels += area.width * area.height;
      if (zoom) {
        // Weak fragments get a closer look (zoom.ts): lines the scaled-down frame only half showed.
        const found: typeof boxes = [];
        for (const crop of zoomCrops(boxes, area.width, area.height, MIN_BOX_HEIGHT, ZOOM_MAX_DETECTOR_HEIGHT / scale)) {
          const { hit, print } = zoomCache.lookup(frame, crop, area);
          if (hit) {
            found.push(...hit);
            continue;
          }
          const more = await timed(stats, 'zoom', cpu, async () => {
            const z = zoomedCrop(img(), crop);
            return (await raceAbort(engine.detector.detect(z.image, { maxSide: Math.max(z.image.width, z.image.height) }), signal)).map(
              z.back,
            );
          });
          stats.zoomDetects++;
          stats.zoomPixels += 4 * crop.width * crop.height;
          zoomCache.remember(crop, print, more);
          found.push(...more);
        }
        boxes = mergeZoomed(boxes, found, MIN_BOX_HEIGHT);
      }
      if (smallText && scale < SMALL_TEXT_BELOW_SCALE) {
        // Small text the scaled detection did not see at all: detected at full scale where a cheap screen of the
        // pixels says glyphs may be (small-text.ts).
        const found: typeof boxes = [];
        const crops = await timed(stats, 'small', cpu, () => Promise.resolve(smallTextCropsIn(frame, area, boxes)));
        for (const crop of crops) {
          // Pixels a full-scale detection saw already, unchanged since: its boxes again, free of the budget.
          const seen = smallChecks.lookup(frame, inFrame(crop));
          if (seen) {
            stats.smallTextReused++;
            found.push(...seen.map(inArea));
            continue;
          }
          // Within the budget: on moving texture the screen's false bands would cost more than the frame's detection.
          const budget = smallTextBudget * stats.detectPixels * scale * scale;
          if (stats.smallTextPixels + crop.width * crop.height > budget) {
            stats.smallTextSkipped++;
            continue;
          }
          const more = await timed(stats, 'small', cpu, () =>
            raceAbort(engine.detector.detect(frame, { maxSide: Math.max(crop.width, crop.height) }, inFrame(crop)), signal),
          );
          stats.smallTextDetects++;
          stats.smallTextPixels += crop.width * crop.height;
          const moved = more.map((b) => ({ ...b, x: b.x + crop.x, y: b.y + crop.y }));
          smallChecks.record(frame, inFrame(crop), moved.map(inFrame));
          found.push(...moved);
        }
        boxes = mergeZoomed(boxes, found, MIN_BOX_HEIGHT);
      }
      const lines = joinLineParts(boxes)
        .filter((b) => b.height >= MIN_BOX_HEIGHT && b.width >= MIN_BOX_WIDTH)
        .map((b) => {
          const prepared = prepareLine(img(), b);
          return { box: b, prepared, known: cache.lookup(b, prepared) };
        });
      const fresh = lines.filter((l) => !l.known);
      stats.linesFound += lines.length;
      stats.linesCached += lines.length - fresh.length;
      const pp = fresh.length
        ? await timed(stats, 'recognize', cpu, () =>
            raceAbort(
              engine.detector.recognizeLines(
                img(),
                fresh.map((l) => l.box),
              ),
              signal,
            ),
          )
        : [];
      stats.linesRecognized += fresh.length;
      // Tesseract reads the unsure lines (its own thread, one line after another) while PP-OCR reads the Latin ones
      // again wider (the detector's first thread): the two were once one after the other, and a sample with unsure
      // lines held the scan's pipeline that much longer.
      const reading = (i: number): RecognizedLine => pp[i] ?? { text: '', confidence: 0 };
      const tesseract = fresh.map((l, i) =>
        second === 'always' || (second === 'unsure' && unsureReading(reading(i)))
          ? timed(stats, 'tesseract', cpu, () => raceAbort(engine.recognizer.recognizeGray(l.prepared), signal))
          : undefined,
      );
      for (const t of tesseract) t?.catch(() => undefined);
      const latin = fresh.filter((_, i) => latinChars(pp[i]?.text ?? '') >= 2);
      const wide = latin.length
        ? await timed(stats, 'recognize', cpu, () =>
            raceAbort(
              engine.detector.recognizeLines(
                img(),
                latin.map((l) => paddedLine(l.box, area.width)),
              ),
              signal,
            ),
          )
        : [];
      stats.linesWidened += latin.length;
      const out: FrameTextLine[] = [];
      for (const l of lines) {
        if (signal?.aborted) break;
        let r: ReaderLine | undefined = l.known;
        if (!r) {
          const i = fresh.indexOf(l);
          const a = reading(i);
          r = a;
          const tp = tesseract[i];
          if (tp) {
            const t = await tp;
            stats.linesTesseract++;
            if (t.text !== a.text) r = t.confidence > a.confidence ? { ...t, alternative: a.text } : { ...a, alternative: t.text };
          }
          const wl = wide[latin.indexOf(l)];
          const w = wl?.text;
          if (wl && w && w !== r.text && w !== r.alternative) {
            r = { ...r, wider: w, reach: widerReach(l.box, paddedLine(l.box, area.width), wl) };
          }
          cache.remember(l.box, l.prepared, r);
        }
        // A line the wider look read more of is as wide as what it read (a mask built from it must hide that too).
        const b = r.reach ? { ...l.box, x: l.box.x - r.reach.left, width: l.box.width + r.reach.left + r.reach.right } : l.box;
        out.push({
          text: r.text,
          confidence: r.confidence,
          detectorScore: b.score,
          ...(r.alternative || r.wider ? { alternatives: [r.alternative, r.wider].filter((t): t is string => !!t) } : {}),
          box: {
            x: Math.max(0, Math.round(b.x) + area.x),
            y: Math.max(0, Math.round(b.y) + area.y),
            width: Math.round(b.width),
            height: Math.round(b.height),
          },
        });
      }
      return out;
    },
    close: () => engine.close(),
  };
}

/**
 * The detector sometimes splits one word or line into pieces ("Jür" + "gen"): boxes on the same line (most
 * of their height shared) with a gap smaller than about half their height are joined before recognition.
 */
export function joinLineParts<B extends { x: number; y: number; width: number; height: number; score: number }>(boxes: B[]): B[] {
  const sorted = [...boxes].sort((a, b) => a.x - b.x);
  const out: B[] = [];
  for (const b of sorted) {
    const host = out.find((o) => {
      const overlap = Math.min(o.y + o.height, b.y + b.height) - Math.max(o.y, b.y);
      const h = Math.max(o.height, b.height);
      const gap = b.x - (o.x + o.width);
      return overlap >= 0.6 * Math.min(o.height, b.height) && Math.abs(o.height - b.height) <= 0.5 * h && gap <= 0.6 * h && gap >= -h;
    });
    if (!host) {
      out.push({ ...b });
      continue;
    }
    const x = Math.min(host.x, b.x);
    const y = Math.min(host.y, b.y);
    host.width = Math.max(host.x + host.width, b.x + b.width) - x;
    host.height = Math.max(host.y + host.height, b.y + b.height) - y;
    host.x = x;
    host.y = y;
    host.score = Math.max(host.score, b.score);
  }
  return out;
}
