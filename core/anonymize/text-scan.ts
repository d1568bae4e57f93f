import type { Ffmpeg } from '../ffmpeg/index.js';
import { streamFrames } from '../ffmpeg/frame-stream.js';
import { cancelled } from '../util/errors.js';
import type { FrameTextLine, FrameTextReader, RgbFrame } from './frame-reader.js';

/**
 * Read the text of a video densely and cheaply: every `step`-th frame is decoded (one ffmpeg process), then
 * screened before the detector runs —
 *   - blank: a frame whose pixels are all nearly the same (black scene) has no text;
 *   - unchanged: a frame whose coarse picture (16 × 16 px cells) matches the last frame READ in every cell
 *     has the same text, so that frame's lines are reused.
 * Every other frame is read by the detector + line recogniser over the whole picture.
 */
export interface ScanSample {
  /** Frame number in the scanned file. */
  frame: number;
  index: number;
  how: 'read' | 'unchanged' | 'blank' | 'skipped';
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
  /** Detections run this many frames ahead (recognition stays in order). Default 1. */
  signal?: AbortSignal;
  onSample: (s: ScanSample) => void;
  onProgress?: (fraction: number) => void;
}

export interface ScanStats {
  samples: number;
  read: number;
  unchanged: number;
  blank: number;
  skipped: number;
}

const CELL = 16;
/** Largest change of a cell's mean luma (0..255) still counted as "unchanged". */
const CHANGE_THRESHOLD = 3;
/** Largest spread of luma still counted as a blank picture. */
const BLANK_SPREAD = 10;

/** Mean luma per CELL×CELL cell. */
export function cellMeans(f: RgbFrame): Float32Array {
  const cw = Math.ceil(f.width / CELL);
  const ch = Math.ceil(f.height / CELL);
  const sum = new Float32Array(cw * ch);
  const cnt = new Uint16Array(cw * ch);
  for (let y = 0; y < f.height; y += 2) {
    const cy = (y / CELL) | 0;
    for (let x = 0; x < f.width; x += 2) {
      const i = (y * f.width + x) * 3;
      const c = cy * cw + ((x / CELL) | 0);
      sum[c]! += (f.data[i]! * 77 + f.data[i + 1]! * 150 + f.data[i + 2]! * 29) >> 8;
      cnt[c]!++;
    }
  }
  for (let c = 0; c < sum.length; c++) sum[c] = cnt[c]! ? sum[c]! / cnt[c]! : 0;
  return sum;
}

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

function sameCells(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (Math.abs(a[i]! - b[i]!) > CHANGE_THRESHOLD) return false;
  return true;
}

export async function scanText(o: ScanOptions): Promise<ScanStats> {
  const stats: ScanStats = { samples: 0, read: 0, unchanged: 0, blank: 0, skipped: 0 };
  let last: { cells: Float32Array; lines: FrameTextLine[] } | null = null;
  const total = Math.max(1, Math.ceil(o.frameCount / Math.max(1, o.step)));
  await streamFrames(o.ffmpeg, o.file, {
    step: o.step,
    width: o.width,
    height: o.height,
    ...(o.signal ? { signal: o.signal } : {}),
    onFrame: async (f) => {
      if (o.signal?.aborted) throw cancelled();
      stats.samples++;
      const done = (how: ScanSample['how'], lines: FrameTextLine[]) => {
        stats[how === 'read' ? 'read' : how]++;
        o.onSample({ frame: f.frame, index: f.index, how, lines });
        o.onProgress?.(Math.min(1, (f.index + 1) / total));
      };
      if (o.skip?.(f.frame)) return done('skipped', []);
      o.prepare?.(f, f.frame);
      if (isBlank(f)) {
        last = null;
        return done('blank', []);
      }
      const cells = cellMeans(f);
      if (last && sameCells(cells, last.cells)) return done('unchanged', last.lines);
      const lines = await o.reader.read(f, o.signal);
      last = { cells, lines };
      done('read', lines);
    },
  });
  if (o.signal?.aborted) throw cancelled();
  return stats;
}
