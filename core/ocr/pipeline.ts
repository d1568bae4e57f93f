import type { Ffmpeg } from '../ffmpeg/index.js';
import { readFrameRgb } from '../ffmpeg/raw-frame.js';
import { onFileTime } from '../ffmpeg/file-time.js';
import { sampleFramesRgb } from '../ffmpeg/sample-frames.js';
import { extractFields, bounding } from '../patient/extract.js';
import { PATIENT_FIELDS, type FieldRegions, type PatientField } from '../patient/fields.js';
import { cancelled, FramewiseError, throwIfAborted } from '../util/errors.js';
import type { DetectedBox } from './detect.js';
import { EndoscopeAccumulator, insideMask, type EndoscopeRegion, type MeasuredEndoscopeRegion } from './endoscope.js';
import { encodePng, iou, rgbCrop, type Box, type RgbImage } from './image.js';
import { scoreReading, voteField, type FieldResult, type FrameReading, type ReadLine } from './field-vote.js';

import { prepareLine } from './recognize.js';
import { LineCache } from './line-cache.js';
import { OcrEngine } from './engine.js';

export type { FieldResult, ReadLine } from './field-vote.js';
export { confusableSwapsOnly, swappedReading, swappedWord } from './confusables.js';
export { LineCache } from './line-cache.js';
export { OcrEngine, raceAbort } from './engine.js';

/** Does at least one line at the reused boxes show the pixels read there before (the overlay is still there)? */
function overlayUnchanged(img: RgbImage, boxes: Box[], cache: LineCache): boolean {
  return boxes.some((b) => cache.peek(b, prepareLine(img, b)) !== undefined);
}

/** `make()` once per key (a few distinct keys per video: the overlay's lines and their second readings). */
function memo<T>(cache: Map<string, T>, key: string, make: () => T): T {
  let v = cache.get(key);
  if (v === undefined) {
    v = make();
    if (cache.size >= 64) cache.clear();
    cache.set(key, v);
  }
  return v;
}

/** Mean and spread of luma at a coarse grid: black or flat frames carry no overlay worth reading. */
export function isBlankFrame(img: RgbImage): boolean {
  let sum = 0,
    sum2 = 0,
    n = 0;
  const step = Math.max(1, Math.floor(Math.sqrt((img.width * img.height) / 20000)));
  for (let y = 0; y < img.height; y += step) {
    for (let x = 0; x < img.width; x += step) {
      const i = (y * img.width + x) * 3;
      const l = (img.data[i]! * 77 + img.data[i + 1]! * 150 + img.data[i + 2]! * 29) >> 8;
      sum += l;
      sum2 += l * l;
      n++;
    }
  }
  const mean = sum / n;
  const sd = Math.sqrt(Math.max(0, sum2 / n - mean * mean));
  return sd < 3 || mean < 4;
}

/** K sample times spread over the video (centres of K equal slices). */
export function sampleTimes(duration: number, k: number): number[] {
  if (!(duration > 0)) return [0];
  const n = Math.max(1, Math.min(k, Math.floor(duration * 10) || 1));
  return Array.from({ length: n }, (_, i) => (duration * (i + 0.5)) / n);
}

export interface SampledFrame {
  frame: number;
  time: number;
  image: RgbImage;
}

export interface TextRegion {
  box: Box;
  /** Frames (of the non-blank samples) the region was seen in. */
  frames: number;
  /** Seen in most samples at the same place: part of the burned-in overlay. */
  stable: boolean;
  /** The region lies inside the endoscope image (tissue, not overlay). */
  insideEndoscope: boolean;
  /** The most voted text and its share of the votes (0..1). Patient data: never log. */
  text: string;
  confidence: number;
}

export interface OcrResult {
  frameWidth: number;
  frameHeight: number;
  /** Frame numbers of the non-blank samples read. */
  sampledFrames: number[];
  skippedBlank: number;
  regions: TextRegion[];
  /** The profile whose regions were used, if any. */
  profile: string | null;
  fields: Partial<Record<PatientField, FieldResult>>;
  endoscope: MeasuredEndoscopeRegion | null;
  timings: { detectMs: number; recognizeMs: number; decodeMs: number; endoscopeMs: number };
  /** Lines not read again because the same pixels were read at the same place in an earlier sample. */
  linesReused: number;
  /** Lines read by the recogniser. */
  linesRead: number;
  /** Samples the text detector ran on (the others reused the boxes found last). */
  detections: number;
}

/** The device layout used to read fields: a profile's regions win over free detection. */
export interface LayoutChoice {
  profile: string | null;
  regions?: FieldRegions;
  dateOrder?: 'dmy' | 'mdy';
}

export interface OcrOptions {
  samples?: number;
  /** A fixed layout (profile regions in frame pixels). */
  layout?: LayoutChoice;
  /** Called with the first readable frame when no `layout` is given: pick a profile (best match) or none. */
  resolveLayout?: (lines: ReadLine[], image: RgbImage) => Promise<LayoutChoice> | LayoutChoice;
  /** Explicit times in seconds instead of K spread samples. */
  times?: number[];
  maxSide?: number;
  signal?: AbortSignal;
  onProgress?: (fraction: number, stage: string) => void;
  engine?: OcrEngine;
  /**
   * Samples between two runs of the text detector (default: half of the samples, so 2 detections). The
   * overlay is burned in: the other samples read the lines at the boxes found last, and detect again only
   * when none of those lines shows the pixels read before (the overlay changed) or no line was found.
   * 1 = detect on every sample.
   */
  detectEvery?: number;
  /** Folder for the local copy of the Tesseract data when no engine is passed (default: a per-user temp folder). */
  cacheDir?: string;
  /**
   * Lines already read (by earlier calls on the same overlay, e.g. one still image after another): a line whose
   * pixels are the same at the same place is not read again. Default: a cache of this call only.
   * `linesReused`/`linesRead` of the result count this cache's lifetime.
   */
  cache?: LineCache;
  today?: Date;
}

/** Slice of a sample time: index of the last slice start (halfway from the previous time) at or before `t`. */
function sliceOf(t: number, times: number[]): number {
  let i = 0;
  for (let k = 1; k < times.length; k++) if (t >= (times[k - 1]! + times[k]!) / 2) i = k;
  return i;
}

/**
 * Decode the sample frames of a file (video or image) as RGB, skipping blank ones. One ffmpeg pass reads the
 * keyframes near the wanted times (an overlay is the same on a keyframe as on the frame beside it); slices
 * the keyframes do not reach (long GOPs, short videos) are decoded exactly: a few by a seek each, more by
 * one full-decode pass.
 */
export async function* sampleFrames(
  ffmpeg: Ffmpeg,
  file: string,
  opts: { samples?: number; times?: number[]; signal?: AbortSignal; onSkip?: () => void },
): AsyncGenerator<SampledFrame & { index: number; total: number }> {
  const info = await ffmpeg.probe(file, opts.signal);
  if (!info.video) throw new FramewiseError('no_video_stream', `${file} has no video stream`);
  const size = { width: info.video.displayWidth, height: info.video.displayHeight };
  const fps = info.fps ? info.fps.num / info.fps.den : 25;
  const onFile = onFileTime(info.videoStart ?? 0);
  const times = [...(opts.times ?? sampleTimes(info.duration, opts.samples ?? 24))].sort((a, b) => a - b);
  let index = 0;
  const covered = new Set<number>();
  const take = (t: number, data: Uint8Array | null): (SampledFrame & { index: number; total: number }) | null => {
    const i = index++;
    if (!data) {
      opts.onSkip?.();
      return null;
    }
    const image = { ...size, data };
    if (isBlankFrame(image)) {
      opts.onSkip?.();
      return null;
    }
    return { frame: Math.round(t * fps), time: t, image, index: Math.min(i, times.length - 1), total: times.length };
  };
  const signal = opts.signal ? { signal: opts.signal } : {};
  const still = times.length === 1;
  for await (const f of sampleFramesRgb(ffmpeg, file, times, size, { ...signal, keyframesOnly: !still })) {
    covered.add(sliceOf(f.time, times));
    const s = take(f.time, f.data);
    if (s) yield s;
  }
  const missing = times.filter((_, i) => !covered.has(i));
  if (!missing.length) return;
  if (missing.length <= 3) {
    for (const t of missing) {
      throwIfAborted(opts.signal);
      // A seek counts from the file's start, sample times from the first picture (which may start later).
      const s = take(t, await readFrameRgb(ffmpeg, file, onFile(t), size, opts.signal));
      if (s) yield s;
    }
    return;
  }
  for await (const f of sampleFramesRgb(ffmpeg, file, missing, size, signal)) {
    const s = take(f.time, f.data);
    if (s) yield s;
  }
}

/** Cluster the boxes of all frames by overlap; a region seen in most samples is overlay. */
function clusterRegions(perFrame: ReadLine[][], endoscope: EndoscopeRegion | null): TextRegion[] {
  const clusters: Array<{ box: Box; members: ReadLine[]; frames: Set<number> }> = [];
  perFrame.forEach((lines, fi) => {
    for (const l of lines) {
      const c = clusters.find((c) => iou(c.box, l.box) > 0.4);
      if (c) {
        c.members.push(l);
        c.frames.add(fi);
        c.box = bounding([c.box, l.box]);
      } else clusters.push({ box: { ...l.box }, members: [l], frames: new Set([fi]) });
    }
  });
  const n = perFrame.length;
  return clusters.map((c) => {
    const votes = new Map<string, number>();
    for (const m of c.members) votes.set(m.text, (votes.get(m.text) ?? 0) + m.confidence);
    const [text, score] = [...votes].sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
    const cx = c.box.x + c.box.width / 2;
    const cy = c.box.y + c.box.height / 2;
    return {
      box: c.box,
      frames: c.frames.size,
      stable: n <= 1 || c.frames.size >= Math.max(2, Math.ceil(n * 0.5)),
      insideEndoscope: endoscope ? insideMask(endoscope, cx, cy) : false,
      text,
      confidence: Math.round((score / Math.max(1, n)) * 1000) / 1000,
    };
  });
}

/**
 * Read the overlay of a video (or image): sample frames, detect and read the text lines, extract the
 * patient fields per frame and vote across frames, cluster text regions, and find the endoscope image.
 */
export async function runOcr(ffmpeg: Ffmpeg, file: string, opts: OcrOptions = {}): Promise<OcrResult> {
  const engine = opts.engine ?? (await OcrEngine.create(opts.cacheDir ? { cacheDir: opts.cacheDir } : {}));
  const onAbort = () => void engine.close().catch(() => undefined);
  if (!opts.engine) opts.signal?.addEventListener('abort', onAbort, { once: true });
  const timings = { detectMs: 0, recognizeMs: 0, decodeMs: 0, endoscopeMs: 0 };
  try {
    const perFrame: ReadLine[][] = [];
    const endoscopeAcc = new EndoscopeAccumulator();
    const cache = opts.cache ?? new LineCache();
    const frames: number[] = [];
    const readings = new Map<PatientField, Array<FrameReading<RgbImage>>>();
    const extracted = new Map<string, ReturnType<typeof extractFields>>();
    let skipped = 0;
    let layout: LayoutChoice | undefined = opts.layout;
    let boxes: DetectedBox[] | undefined;
    let sinceDetect = 0;
    let detections = 0;
    let size = { width: 0, height: 0 };
    let tDecode = performance.now();
    for await (const s of sampleFrames(ffmpeg, file, {
      ...(opts.samples ? { samples: opts.samples } : {}),
      ...(opts.times ? { times: opts.times } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      onSkip: () => skipped++,
    })) {
      timings.decodeMs += performance.now() - tDecode;
      size = { width: s.image.width, height: s.image.height };
      opts.onProgress?.((s.index + 0.5) / s.total, 'reading text');
      const readOpts = {
        cache,
        ...(opts.maxSide ? { maxSide: opts.maxSide } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
        timings,
      };
      const every = Math.max(1, opts.detectEvery ?? Math.ceil(s.total / 2));
      const fresh = !boxes?.length || sinceDetect >= every || !overlayUnchanged(s.image, boxes, cache);
      if (fresh) {
        boxes = await engine.detect(s.image, readOpts);
        sinceDetect = 0;
        detections++;
      }
      sinceDetect++;
      const lines = await engine.readBoxes(s.image, boxes!, { ...readOpts, reused: !fresh });
      perFrame.push(lines);
      frames.push(s.frame);
      const te = performance.now();
      endoscopeAcc.add(s.image);
      timings.endoscopeMs += performance.now() - te;
      if (!layout) layout = opts.resolveLayout ? await opts.resolveLayout(lines, s.image) : { profile: null };
      const extractOpts = {
        ...(layout.regions ? { regions: layout.regions } : {}),
        ...(layout.dateOrder ? { dateOrder: layout.dateOrder } : {}),
        ...(opts.today ? { today: opts.today } : {}),
      };
      // The overlay repeats: most samples give the same lines (cache hits), so their fields are extracted once.
      const extract = (ls: ReadLine[]) => memo(extracted, JSON.stringify([ls, extractOpts]), () => extractFields(ls, extractOpts));
      const fields = extract(lines);
      for (const key of PATIENT_FIELDS) {
        const r = fields[key];
        if (!r) continue;
        const pad = Math.round(r.box.height * 0.3);
        // Raw pixels: only the winning reading's crop is encoded (PNG per field per sample was a third of the
        // main thread's time).
        const crop = rgbCrop(s.image, { x: r.box.x - pad, y: r.box.y - pad, width: r.box.width + 2 * pad, height: r.box.height + 2 * pad });
        const scored = scoreReading(key, r, lines, extract);
        readings.set(key, [...(readings.get(key) ?? []), { ...r, ...scored, frame: s.frame, crop }]);
      }
      tDecode = performance.now();
    }
    throwIfAborted(opts.signal);
    const t0 = performance.now();
    const endoscope = endoscopeAcc.result();
    timings.endoscopeMs += performance.now() - t0;
    const fields: OcrResult['fields'] = {};
    for (const key of PATIENT_FIELDS) {
      const v = voteField(readings.get(key) ?? [], perFrame.length, key === 'examination_time');
      if (v) fields[key] = { ...v, crop: encodePng(v.crop, 3), confidence: Math.round(v.confidence * 1000) / 1000 };
    }
    opts.onProgress?.(1, 'done');
    return {
      frameWidth: size.width,
      frameHeight: size.height,
      sampledFrames: frames,
      skippedBlank: skipped,
      regions: clusterRegions(perFrame, endoscope),
      profile: layout?.profile ?? null,
      fields,
      endoscope,
      timings,
      linesReused: cache.hits,
      linesRead: cache.reads,
      detections,
    };
  } catch (err) {
    if (opts.signal?.aborted) throw cancelled();
    throw err;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    if (!opts.engine) await engine.close();
  }
}

/** Read one still image file (JPEG/PNG): the same pipeline with a single sample at t = 0. */
export function runOcrOnImage(ffmpeg: Ffmpeg, file: string, opts: Omit<OcrOptions, 'times' | 'samples'> = {}): Promise<OcrResult> {
  return runOcr(ffmpeg, file, { ...opts, times: [0] });
}

export type { DetectedBox };
export { scoreReading };
