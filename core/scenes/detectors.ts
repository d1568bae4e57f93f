/**
 * The scene detectors. Each receives every decoded frame (packed RGB of the downscaled size, or yuv422p for the
 * content-score detectors created with a YUV matrix: yuv.ts) in order and
 * returns the cuts it found so far; `score` is the per-frame value its threshold is compared with (for the
 * score curve). Semantics follow PySceneDetect's detectors of the same names.
 */
import { allocHsv, edgeMap, hsvStepChanged, meanAbsDiff, RgbHistory, meanIntensity, rgbToGray, valuePlane, type HsvFrame } from './hsv.js';
import { hsvStepChangedYuv, YuvHistory, yuvTables, type YuvMatrix, type YuvTables } from './yuv.js';
import { FlashFilter, SuppressFilter, type FrameRef } from './flash-filter.js';
import { perceptualHash, hammingFraction, histogramDistance, lumaHistogram } from './signatures.js';
import type { SceneParams } from './params.js';

export interface Detector {
  /** Process the next frame; returns cuts (frames where a new scene starts). */
  push(f: FrameRef, rgb: Uint8Array): FrameRef[];
  /** The score of the frame last pushed. */
  readonly score: number;
  /** Cuts still buffered at the end of the video. */
  finish(): FrameRef[];
}

export interface FrameSize {
  width: number;
  height: number;
}

/** The content score: weighted mean |Δ| of H, S, V (and optionally edges) between consecutive frames. */
class ContentScore {
  /** The last frame's HSV, updated in place. */
  private hsv: HsvFrame;
  /** This frame's and the previous frame's RGB (or YUV): unchanged pixels are not converted again. */
  private rgb: RgbHistory | null;
  private yuv: { history: YuvHistory; tables: YuvTables } | null;
  /** The V plane, for the edge term only. */
  private lum: Uint8Array | null;
  private edges: Uint8Array | null;
  private prevEdges: Uint8Array | null;
  private scratch: Uint8Array | null;
  private first = true;

  constructor(
    private size: FrameSize,
    private edgeWeight: number,
    yuv: YuvMatrix | null,
  ) {
    const n = size.width * size.height;
    this.hsv = allocHsv(n);
    this.rgb = yuv ? null : new RgbHistory(n);
    this.yuv = yuv ? { history: new YuvHistory(n), tables: yuvTables(yuv) } : null;
    this.lum = edgeWeight > 0 ? new Uint8Array(n) : null;
    this.edges = edgeWeight > 0 ? new Uint8Array(n) : null;
    this.prevEdges = edgeWeight > 0 ? new Uint8Array(n) : null;
    this.scratch = edgeWeight > 0 ? new Uint8Array(n) : null;
  }

  /** `frame`: packed RGB, or yuv422p when made with a YUV matrix. */
  next(frame: Uint8Array): number {
    let step: { hue: number; sat: number; lum: number };
    if (this.yuv) {
      this.yuv.history.push(frame);
      step = hsvStepChangedYuv(this.yuv.history, this.hsv, this.yuv.tables);
    } else {
      this.rgb!.push(frame);
      step = hsvStepChanged(this.rgb!, this.hsv);
    }
    const { hue: h, sat: s, lum: v } = step;
    if (this.edges) {
      valuePlane(this.hsv, this.lum!);
      edgeMap(this.lum!, this.size.width, this.size.height, this.edges, this.scratch!);
    }
    let score = 0;
    if (!this.first) {
      const e = this.edges ? meanAbsDiff(this.edges, this.prevEdges!) : 0;
      score = (h + s + v + this.edgeWeight * e) / (3 + this.edgeWeight);
    }
    this.first = false;
    if (this.edges) [this.edges, this.prevEdges] = [this.prevEdges, this.edges];
    return score;
  }
}

class ContentDetector implements Detector {
  score = 0;
  private content: ContentScore;
  private flash: FlashFilter;
  constructor(size: FrameSize, p: SceneParams, minSeconds: number, yuv: YuvMatrix | null) {
    this.content = new ContentScore(size, p.edgeWeight, yuv);
    this.flash = new FlashFilter(minSeconds);
    this.threshold = p.threshold;
  }
  private threshold: number;
  push(f: FrameRef, rgb: Uint8Array): FrameRef[] {
    this.score = this.content.next(rgb);
    if (f.index === 0) return [];
    return this.flash.filter(f, this.score >= this.threshold);
  }
  finish(): FrameRef[] {
    return [];
  }
}

/** Content score over a rolling window: a cut where the score is `threshold`× its neighbours' mean. */
class AdaptiveDetector implements Detector {
  score = 0;
  private content: ContentScore;
  private window: Array<{ f: FrameRef; s: number }> = [];
  private lastCut: FrameRef | null = null;
  constructor(
    size: FrameSize,
    private p: SceneParams,
    private minSeconds: number,
    yuv: YuvMatrix | null,
  ) {
    this.content = new ContentScore(size, p.edgeWeight, yuv);
  }
  push(f: FrameRef, rgb: Uint8Array): FrameRef[] {
    this.score = this.content.next(rgb);
    if (f.index === 0) return [];
    if (this.lastCut === null) this.lastCut = f;
    const w = this.p.windowWidth;
    this.window.push({ f, s: this.score });
    if (this.window.length < 2 * w + 1) return [];
    if (this.window.length > 2 * w + 1) this.window.shift();
    const target = this.window[w]!;
    let sum = 0;
    for (let i = 0; i < this.window.length; i++) if (i !== w) sum += this.window[i]!.s;
    const avg = sum / (2 * w);
    let ratio = 0;
    if (Math.abs(avg) >= 1e-5) ratio = Math.min(target.s / avg, 255);
    else if (target.s >= this.p.minContentVal) ratio = 255;
    const met = ratio >= this.p.threshold && target.s >= this.p.minContentVal;
    if (met && f.time - this.lastCut.time >= this.minSeconds - 1e-9) {
      this.lastCut = target.f;
      return [target.f];
    }
    return [];
  }
  finish(): FrameRef[] {
    return [];
  }
}

/** Fades to/from black: the frame's mean intensity crosses `threshold`; the cut is at the fade's middle. */
class ThresholdDetector implements Detector {
  score = 0;
  private state: 'in' | 'out' | null = null;
  private fadeOut: FrameRef | null = null;
  /** Frames since the fade-out began (to place the cut at its middle by decode order). */
  private since: FrameRef[] = [];
  private filter: SuppressFilter;
  constructor(
    private p: SceneParams,
    minSeconds: number,
  ) {
    this.filter = new SuppressFilter(minSeconds);
  }
  push(f: FrameRef, rgb: Uint8Array): FrameRef[] {
    this.score = meanIntensity(rgb);
    const dark = this.score < this.p.threshold;
    if (this.state === null) {
      this.state = dark ? 'out' : 'in';
      this.filter.filter(f, false);
      if (dark) {
        this.fadeOut = f;
        this.since = [f];
      }
      return [];
    }
    if (this.state === 'in' && dark) {
      this.state = 'out';
      this.fadeOut = f;
      this.since = [f];
      return [];
    }
    if (this.state === 'out') {
      this.since.push(f);
      if (!dark) {
        this.state = 'in';
        const middle = this.since[Math.floor((this.since.length - 1) / 2)]!;
        this.since = [];
        return middle.index > 0 ? this.filter.filter(middle, true) : [];
      }
    }
    return [];
  }
  finish(): FrameRef[] {
    return [];
  }
}

/**
 * A compact signature per frame (perceptual hash or luma histogram); a cut where it changes by ≥ threshold.
 * The minimum scene length is PySceneDetect's rule for these two detectors: a frame over the threshold is a
 * cut when at least that long has passed since the last cut (or the first frame), otherwise it is ignored.
 * (The content detector's flash filter merges instead: on bikes.mp4 it carried cuts to the end of a burst of
 * motion and missed others.)
 */
class SignatureDetector<S> implements Detector {
  score = 0;
  private prev: S | null = null;
  private filter: SuppressFilter;
  constructor(
    private sign: (rgb: Uint8Array) => S,
    private distance: (a: S, b: S) => number,
    private threshold: number,
    minSeconds: number,
  ) {
    this.filter = new SuppressFilter(minSeconds);
  }
  push(f: FrameRef, rgb: Uint8Array): FrameRef[] {
    const s = this.sign(rgb);
    this.score = this.prev === null ? 0 : this.distance(s, this.prev);
    const first = this.prev === null;
    this.prev = s;
    return this.filter.filter(f, !first && this.score >= this.threshold);
  }
  finish(): FrameRef[] {
    return [];
  }
}

/** Whether the detector scores from HSV only (so it can take yuv422p frames: `createDetector(…, matrix)`). */
export const takesYuv = (p: SceneParams): boolean => p.detector === 'content' || p.detector === 'adaptive';

/**
 * `yuv`: the frames are yuv422p converted with this matrix (content and adaptive only, see `takesYuv`); the
 * others always take packed RGB.
 */
export function createDetector(p: SceneParams, size: FrameSize, minSeconds: number, yuv: YuvMatrix | null = null): Detector {
  const gray = new Uint8Array(size.width * size.height);
  if (yuv && !takesYuv(p)) throw new Error(`The ${p.detector} detector takes RGB frames only`);
  switch (p.detector) {
    case 'content':
      return new ContentDetector(size, p, minSeconds, yuv);
    case 'adaptive':
      return new AdaptiveDetector(size, p, minSeconds, yuv);
    case 'threshold':
      return new ThresholdDetector(p, minSeconds);
    case 'hash':
      return new SignatureDetector(
        (rgb) => (rgbToGray(rgb, gray), perceptualHash(gray, size.width, size.height)),
        hammingFraction,
        p.threshold,
        minSeconds,
      );
    case 'histogram':
      return new SignatureDetector((rgb) => (rgbToGray(rgb, gray), lumaHistogram(gray)), histogramDistance, p.threshold, minSeconds);
  }
}
