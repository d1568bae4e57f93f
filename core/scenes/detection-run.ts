/**
 * One detection's per-frame bookkeeping: each decoded frame goes through the detector, its score is kept under its
 * frame number and the cuts are collected. The same code runs in the detection worker (detect-worker.ts, frames
 * read straight from ffmpeg's FIFO) and, where there is no FIFO, on the caller's thread (detect.ts).
 */
import { createDetector, type Detector, type FrameSize } from './detectors.js';
import type { FrameRef } from './flash-filter.js';
import { adoptHsvTables } from './hsv.js';
import type { SceneParams } from './params.js';
import type { YuvMatrix } from './yuv.js';

export interface DetectionRunSetup {
  params: SceneParams;
  size: FrameSize;
  minSeconds: number;
  matrix: YuvMatrix | null;
  /** Frame numbers expected (the scores array grows past it if needed). */
  expectedFrames: number;
  /** The HSV tables (`hsvTables()`, shared memory), when made on another thread. */
  hsv?: { SAT: Uint8Array; DIFF: Uint32Array };
}

export interface DetectionRunResult {
  /** Decoded frames. */
  frames: number;
  /** The last frame's number and time, null when none was decoded. */
  last: { frame: number; time: number } | null;
  /** Cuts in decode order: decode index and presentation time. */
  cuts: FrameRef[];
  /** The detector's score per frame number (NaN where no frame has that number). */
  scores: Float32Array;
}

export class DetectionRun {
  private detector: Detector;
  private scores: Float32Array;
  private cuts: FrameRef[] = [];
  private index = 0;
  private lastFrame = 0;
  private lastTime = 0;

  constructor(s: DetectionRunSetup) {
    if (s.hsv) adoptHsvTables(s.hsv);
    this.detector = createDetector(s.params, s.size, s.minSeconds, s.matrix);
    this.scores = new Float32Array(Math.max(16, s.expectedFrames + 8)).fill(NaN);
  }

  /** The next decoded frame: its presentation time (s), frame number and pixels. */
  push(time: number, frame: number, data: Uint8Array): void {
    const found = this.detector.push({ index: this.index, time }, data);
    if (found.length > 0) this.cuts.push(...found);
    this.lastFrame = frame;
    this.lastTime = time;
    if (frame >= this.scores.length) {
      const grown = new Float32Array(Math.max(frame + 1, this.scores.length * 2)).fill(NaN);
      grown.set(this.scores);
      this.scores = grown;
    }
    this.scores[frame] = this.detector.score;
    this.index++;
  }

  finish(): DetectionRunResult {
    this.cuts.push(...this.detector.finish());
    const last = this.index > 0 ? { frame: this.lastFrame, time: this.lastTime } : null;
    return { frames: this.index, last, cuts: this.cuts, scores: this.scores };
  }
}
