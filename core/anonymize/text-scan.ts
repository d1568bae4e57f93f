import { setMaxListeners } from 'node:events';
import type { Ffmpeg } from '../ffmpeg/index.js';
import { streamFrames } from '../ffmpeg/frame-stream.js';
import { cancelled } from '../util/errors.js';
import type { FrameTextLine, FrameTextReader, RgbFrame } from './frame-reader.js';
import { coverRects, mergeLines, readRegions, TileScreen, tilesCovered } from './region-screen.js';
import type { Rect } from './types.js';

/**
 * Read the text of a video densely and cheaply: every `step`-th frame is decoded (one ffmpeg process), then
 * screened before the detector runs —
 *   - blank: a frame whose pixels are all nearly the same (black scene) has no text;
 *   - per tile (tile-screen.ts, region-screen.ts): the read area is cut into 16 × 16 px tiles, each compared on
 *     every pixel and channel with its pixels on the last frame it was read. Tiles that did not change keep the
 *     lines read there (reported again for this frame), as do tiles back in the earlier state they were read in
 *     free of text ("recalled"); changed tiles, with a margin, are read by the detector + line recogniser
 *     ("partial"); none changed: "unchanged". The first frame, and any frame after a blank one or whose read
 *     area differs, is read whole.
 */
export interface ScanSample {
  /** Frame number in the scanned file. */
  frame: number;
  index: number;
  how: 'read' | 'partial' | 'unchanged' | 'blank' | 'skipped';
  lines: FrameTextLine[];
}

export interface ScanOptions {
  ffmpeg: Ffmpeg;
  file: string;
  width: number;
  height: number;
  step: number;
  /** Frames in the file (for progress). */
  frameCount: number;
  reader: FrameTextReader;
  /** Frames not to read at all (e.g. frames the output drops). */
  skip?: (frame: number) => boolean;
  /** Change the frame before it is screened and read (e.g. black out what the output hides). */
  prepare?: (frame: RgbFrame, frameNumber: number) => void;
  /** The part of the frame to read (e.g. the visible area when everything else is black); whole frame when undefined. */
  roi?: (frame: RgbFrame) => Rect | undefined;
  /** Screen per tile and read only what changed (default true); false: every non-blank sample is read whole. */
  regions?: boolean;
  /**
   * Decode only reference frames (frame-stream.ts) and sample among them, never more than `step` frames apart
   * (the same guarantee as every step-th frame: sampling.ts's proof needs only that bound). `maxGap`: the largest
   * distance in frames between consecutive reference frames of the file (2 for I/P B I/P). Checked on the
   * timestamps: should any two samples (or the last one and the end) be further apart, the scan starts again
   * decoding every frame, after `onRestart` (the caller forgets the samples it was given). Needs `onRestart`.
   */
  referenceOnly?: { fps: { num: number; den: number }; maxGap: number };
  onRestart?: () => void;
  /** Decoder threads (frame-stream.ts; default ffmpeg's choice). */
  decodeThreads?: number;
  signal?: AbortSignal;
  onSample: (s: ScanSample) => void;
  onProgress?: (fraction: number) => void;
}

export interface ScanStats {
  samples: number;
  /** Samples read whole, read in part (changed tiles only), found unchanged, blank, skipped. */
  read: number;
  partial: number;
  unchanged: number;
  blank: number;
  skipped: number;
  /** Tiles (32 × 32 px of the read area) the detector read, and tiles whose lines were reused, over all samples. */
  tilesRead: number;
  tilesReused: number;
  /** Tiles that changed (and so were read) in the partly read samples. */
  tilesChanged: number;
  /** Tiles that differed from their reference but showed their earlier state read free of text again (not read). */
  tilesRecalled: number;
  /** Detector reads of rectangles in partly read samples, and of those read again wider around a cut line. */
  regionReads: number;
  widened: number;
  /** Whether only reference frames were decoded (false also after a fall back to decoding every frame). */
  referenceOnly: boolean;
  /** Milliseconds the scan waited for decoded frames, and spent screening them (main thread). */
  waitMs: number;
  screenMs: number;
}

/** Largest spread of luma still counted as a blank picture. */
const BLANK_SPREAD = 10;

/** Whether every pixel (on a 2-px grid) is within BLANK_SPREAD of the others. */
export function isBlank(f: RgbFrame): boolean {
  let lo = 255;
  let hi = 0;
  for (let y = 0; y < f.height; y += 2) {
    for (let x = 0; x < f.width; x += 2) {
      const i = (y * f.width + x) * 3;
      const l = (f.data[i]! * 77 + f.data[i + 1]! * 150 + f.data[i + 2]! * 29) >> 8;
      if (l < lo) lo = l;
      if (l > hi) hi = l;
      if (hi - lo > BLANK_SPREAD) return false;
    }
  }
  return true;
}

/**
 * Samples read at once: the next samples' detections overlap this one's line recognition (and Tesseract's). With 2,
 * a sample whose lines took long (recognition in the first detector thread, Tesseract) held the screening of the
 * next but one while the detector threads ran out of work. A screening that needs an earlier sample's lines (a tile
 * back in a state read then, tile-screen.ts) waits for just those, so what is read does not depend on the depth.
 */
const IN_FLIGHT = 3;

class SampleGap extends Error {}

export async function scanText(o: ScanOptions): Promise<ScanStats> {
  if (o.referenceOnly && o.onRestart) {
    try {
      return await scanOnce(o, o.referenceOnly);
    } catch (err) {
      if (!(err instanceof SampleGap)) throw err;
      o.onRestart();
    }
  }
  return scanOnce(o, undefined);
}

async function scanOnce(o: ScanOptions, ref: ScanOptions['referenceOnly']): Promise<ScanStats> {
  const stats: ScanStats = {
    referenceOnly: !!ref,
    samples: 0,
    read: 0,
    partial: 0,
    unchanged: 0,
    blank: 0,
    skipped: 0,
    tilesRead: 0,
    tilesReused: 0,
    tilesChanged: 0,
    tilesRecalled: 0,
    regionReads: 0,
    widened: 0,
    waitMs: 0,
    screenMs: 0,
  };
  const regions = o.regions ?? true;
  let idleSince = performance.now();
  // What was read last: the tiles' reference pixels and the lines they show.
  let last: { screen: TileScreen; lines: Promise<FrameTextLine[]> } | null = null;
  const total = Math.max(1, Math.ceil(o.frameCount / Math.max(1, o.step)));
  // Samples in order; each settles to its lines. Emitted in order once settled.
  const queue: Array<{ frame: number; index: number; how: ScanSample['how']; lines: Promise<FrameTextLine[]> }> = [];
  const emitFirst = async () => {
    const e = queue.shift()!;
    const lines = await e.lines;
    stats[e.how]++;
    o.onSample({ frame: e.frame, index: e.index, how: e.how, lines });
    o.onProgress?.(Math.min(1, (e.index + 1) / total));
  };
  const reading = () => queue.filter((e) => e.how === 'read' || e.how === 'partial').length;
  const sameArea = (a: Rect, b: Rect) => a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height;
  const step = Math.max(1, o.step);
  let previous = -step;
  // Once a sample's lines are known, the screen learns which tiles were free of text in the state read then;
  // `markedAt` settles after that (a screening waiting for those lines waits for it).
  const markedAt = new Map<number, Promise<void>>();
  // Every read in flight listens for the abort until it settles (raceAbort): with up to IN_FLIGHT samples, each read
  // in several regions at once, that is more than Node's default of 10 listeners (a warning naming a leak that is
  // not one). The reads listen on a signal of the scan's own, so the caller's signal keeps its limit.
  const readSignal = o.signal ? AbortSignal.any([o.signal]) : undefined;
  if (readSignal) setMaxListeners(0, readSignal);
  const marked = (screen: TileScreen, sample: number, lines: Promise<FrameTextLine[]>) => {
    const done = lines.then(
      (ls) =>
        screen.markLines(
          sample,
          ls.map((l) => l.box),
        ),
      () => undefined,
    );
    markedAt.set(sample, done);
    // Only samples still read can be waited for.
    void done.then(() => markedAt.delete(sample));
  };
  try {
    await streamFrames(o.ffmpeg, o.file, {
      step: o.step,
      ...(ref ? { referenceOnly: { fps: ref.fps, minGap: Math.max(1, step - ref.maxGap + 1) } } : {}),
      width: o.width,
      height: o.height,
      ...(o.decodeThreads ? { threads: o.decodeThreads } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
      onFrame: async (f) => {
        if (o.signal?.aborted) throw cancelled();
        // The 0.5 s promise: no two samples (nor the start and the first) more than `step` frames apart.
        if (f.frame - previous > step || f.frame <= previous) throw new SampleGap(`frame ${f.frame} after ${previous}`);
        previous = f.frame;
        const ts = performance.now();
        stats.waitMs += ts - idleSince;
        let screenWaitMs = 0;
        stats.samples++;
        const push = (how: ScanSample['how'], lines: Promise<FrameTextLine[]>) => {
          lines.catch(() => undefined);
          queue.push({ frame: f.frame, index: f.index, how, lines });
        };
        // The frame's buffer goes back to the stream once nothing reads it: after the screening, or after its reads.
        const releaseAfter = (p: Promise<unknown>) => void p.then(f.release, f.release);
        if (o.skip?.(f.frame)) push('skipped', Promise.resolve([]));
        else {
          o.prepare?.(f, f.frame);
          if (isBlank(f)) {
            last = null;
            push('blank', Promise.resolve([]));
          } else {
            const roi = o.roi?.(f);
            const area = roi ?? { x: 0, y: 0, width: f.width, height: f.height };
            const screen = last?.screen;
            if (!regions || !last || !screen || !sameArea(screen.area, area)) {
              const lines = o.reader.read(f, readSignal, roi);
              releaseAfter(lines);
              const s = screen && sameArea(screen.area, area) ? screen : new TileScreen(area);
              s.rememberAll(f, f.index);
              marked(s, f.index, lines);
              last = { screen: s, lines };
              stats.tilesRead += s.tileCount;
              push('read', lines);
            } else {
              const changed = screen.changed(f);
              if (changed.undecided.length) {
                const tw = performance.now();
                await Promise.all([...changed.waitFor].map((s) => markedAt.get(s)));
                // Counted as waiting, not screening.
                screenWaitMs += performance.now() - tw;
                screen.decide(changed);
              }
              stats.tilesRecalled += changed.recalled;
              if (!changed.count) {
                stats.tilesReused += screen.tileCount;
                push('unchanged', last.lines);
              } else {
                const rects = coverRects(screen, changed.tiles);
                screen.remember(f, changed.tiles, f.index);
                stats.tilesChanged += changed.count;
                const fresh = readRegions(o.reader, f, rects, area, readSignal);
                releaseAfter(fresh);
                const lines = Promise.all([last.lines, fresh]).then(([old, r]) => {
                  const covered = tilesCovered(screen, r.read);
                  stats.tilesRead += covered;
                  stats.tilesReused += screen.tileCount - covered;
                  stats.regionReads += r.read.length;
                  stats.widened += r.widened;
                  return mergeLines(old, r, screen, changed.tiles);
                });
                marked(screen, f.index, lines);
                last = { screen, lines };
                push('partial', lines);
              }
            }
          }
        }
        const how = queue[queue.length - 1]?.how;
        if (how === 'skipped' || how === 'blank' || how === 'unchanged') f.release();
        stats.screenMs += performance.now() - ts - screenWaitMs;
        stats.waitMs += screenWaitMs;
        while (reading() >= IN_FLIGHT || (queue.length && queue[0]!.how !== 'read' && queue[0]!.how !== 'partial' && reading() === 0)) {
          await emitFirst();
        }
        idleSince = performance.now();
      },
    });
    while (queue.length) await emitFirst();
    if (ref && o.frameCount - previous > step) throw new SampleGap(`last sample ${previous} of ${o.frameCount} frames`);
  } finally {
    // Settle what is still in flight before the caller closes the reader.
    await Promise.allSettled(queue.map((e) => e.lines));
  }
  if (o.signal?.aborted) throw cancelled();
  return stats;
}

/** The bounding box of the pixels a hidden-map leaves visible (0 = visible), grown by `margin`; null if none. */
export function visibleBox(hidden: Uint8Array, width: number, height: number, margin = 16): Rect | null {
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (!hidden[row + x]) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  if (x1 < 0) return null;
  const x = Math.max(0, x0 - margin);
  const y = Math.max(0, y0 - margin);
  return { x, y, width: Math.min(width, x1 + 1 + margin) - x, height: Math.min(height, y1 + 1 + margin) - y };
}

/** Largest value of any colour channel still taken as the masks' black fill (the encoder leaves it at exactly 0). */
export const FILL_TOLERANCE = 8;

/**
 * The pixels the verifier does not hand to the detector: those a static mask fills with black outside `roi` (the
 * box of the visible pixels with its margin), as [start, end) byte ranges of a packed RGB frame, one per run of
 * such pixels on a row. Computed once per plan; `fillHolds` checks them on every sample.
 */
export function fillSpans(hidden: Uint8Array, width: number, height: number, roi: Rect): Int32Array {
  const spans: number[] = [];
  for (let y = 0; y < height; y++) {
    const row = y * width;
    const inRows = y >= roi.y && y < roi.y + roi.height;
    let start = -1;
    for (let x = 0; x <= width; x++) {
      const outside = x < width && hidden[row + x] === 1 && !(inRows && x >= roi.x && x < roi.x + roi.width);
      if (outside && start < 0) start = x;
      else if (!outside && start >= 0) {
        spans.push((row + start) * 3, (row + x) * 3);
        start = -1;
      }
    }
  }
  return Int32Array.from(spans);
}

/**
 * Whether every pixel of `spans` is still the masks' black fill on this frame: each colour channel of each pixel
 * at most `tolerance`. Strict on purpose (fail closed): a luma bound would pass pure blue text (luma 29), a
 * sparse grid would pass thin strokes; anything else sends the whole frame to the detector.
 */
export function fillHolds(frame: RgbFrame, spans: Int32Array, tolerance = FILL_TOLERANCE): boolean {
  const d = frame.data;
  // Four bytes at a time where the frame is word-aligned: a byte above `tolerance` (≤ 127) sets its lane's high bit
  // in ((w & 0x7f…) + (127 − tolerance)) | w, exactly (no carry crosses a lane).
  const d32 = d.byteOffset & 3 || tolerance > 127 ? null : new Uint32Array(d.buffer, d.byteOffset, d.byteLength >> 2);
  const above = (127 - tolerance) * 0x01010101;
  for (let s = 0; s < spans.length; s += 2) {
    const end = spans[s + 1]!;
    let i = spans[s]!;
    if (d32) {
      for (; i < end && i & 3; i++) if (d[i]! > tolerance) return false;
      const wEnd = end >> 2;
      for (let w = i >> 2; w < wEnd; w++) {
        const v = d32[w]!;
        if (v && (((v & 0x7f7f7f7f) + above) | v) & 0x80808080) return false;
      }
      i = Math.max(i, wEnd << 2);
    }
    for (; i < end; i++) if (d[i]! > tolerance) return false;
  }
  return true;
}
