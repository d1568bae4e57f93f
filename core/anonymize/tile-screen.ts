import type { RgbFrame } from './frame-text.js';
import type { Rect } from './types.js';

/**
 * Which tiles of a sampled frame must be read again (text scan, verification; region-screen.ts builds the read
 * rectangles from them). The read area is cut into TILE × TILE tiles, and each tile is compared with its own
 * reference — its pixels on the last frame on which that tile was read. A tile whose pixels did not change shows
 * the same text as then, so the lines read there are reported again; only changed tiles go to the detector.
 *
 * Each tile also keeps ONE earlier state it was read in (its "earlier reference"): a tile that differs from its
 * reference but shows that earlier state again — the picture behind a moving object after the object has passed
 * (on the bench clip a third of the changed tiles) — is "recalled" instead of read, but only when the read of that
 * earlier state is over and found no text line touching the tile (`markLines`). Its pixels are then the pixels of
 * a state the reader saw, with all of its surroundings, and found free of text; and whatever its neighbours show
 * now is read with them (a changed neighbour's rectangle holds the recalled tile in its margin) or was read before
 * (an unchanged neighbour's lines are reported again). The recalled state becomes the reference, and the one it
 * replaces becomes the earlier reference.
 *
 * Fail closed: the test is on every pixel and every colour channel, calibrated to catch what the reader can read,
 * not to ignore the codec's noise (noise only costs reads):
 *  - any STRONG_PIXELS pixels of a tile whose largest channel difference exceeds STRONG_DIFF (thin strokes:
 *    a 1 px stroke of a 14 px glyph is ~10 such pixels; colour-only text: pink on orange differs by ~200 in blue),
 *  - or the tile's sum of (largest channel difference − SUM_FLOOR) over its pixels reaches SUM_LIMIT (large,
 *    faint text: 150 glyph pixels at a contrast of 14 are 600).
 * A pixel none of whose channels differs by more than SUM_FLOOR adds nothing to either, so rows of a tile are first
 * checked four bytes at a time for any such byte (the exact test runs only on tiles where one is found): on the
 * bench clip that made screening several times cheaper, with the same answer.
 * Measured on the bench clip's output (x264 veryfast crf 23, 32-px tiles, against a lossless copy): tiles whose
 * source did not change differ by at most 3 levels in the median sample; about 3 % of them pass the test
 * (ringing near moving content and the octagon's edge), and are read.
 */
export const TILE = 16;
export const STRONG_DIFF = 24;
export const STRONG_PIXELS = 3;
export const SUM_FLOOR = 12;
export const SUM_LIMIT = 300;

/** How far (pixels) around a line's box a tile counts as touched by it (not free of text). */
const LINE_REACH = 2;
/** Byte lanes of a 32-bit word: high bits, low seven bits. */
const HIGH = 0x80808080;
const LOW = 0x7f7f7f7f;
/**
 * The test above over `rows` rows of `rowBytes` bytes (RGB), the first starting at byte `start` of `d` and `ref`,
 * each next one `stride` bytes on: whether they differ enough to be read again. Also used by
 * providers/small-text-checks.ts for its blocks, so "unchanged" means the same in both.
 */
export function rowsDiffer(d: Uint8Array, ref: Uint8Array, start: number, stride: number, rowBytes: number, rows: number): boolean {
  let strong = 0;
  let sum = 0;
  for (let r = 0; r < rows; r++) {
    const i0 = start + r * stride;
    const i1 = i0 + rowBytes;
    for (let i = i0; i < i1; i += 3) {
      let m = d[i]! - ref[i]!;
      if (m < 0) m = -m;
      let g = d[i + 1]! - ref[i + 1]!;
      if (g < 0) g = -g;
      if (g > m) m = g;
      let b = d[i + 2]! - ref[i + 2]!;
      if (b < 0) b = -b;
      if (b > m) m = b;
      if (m > SUM_FLOOR) {
        sum += m - SUM_FLOOR;
        if (m > STRONG_DIFF) strong++;
        if (strong >= STRONG_PIXELS || sum >= SUM_LIMIT) return true;
      }
    }
  }
  return false;
}

/** Per byte: + SUM_FLOOR (difference −12…12 becomes 0…24), then + (127 − 2·SUM_FLOOR) (above 24 sets the high bit). */
const FLOOR_BYTES = SUM_FLOOR * 0x01010101;
const ABOVE_BYTES = (127 - 2 * SUM_FLOOR) * 0x01010101;

/**
 * Whether any byte of `a` and `b` (same offsets, `from` to `to`) differs by more than SUM_FLOOR: a 32-bit word at
 * a time (per byte a − b modulo 256, shifted by SUM_FLOOR, then compared with 2·SUM_FLOOR; a carry may only make a
 * true answer of a neighbouring byte — the exact test decides then), the ends byte by byte.
 */
function anyByteApart(a: Uint8Array, a32: Uint32Array | null, b: Uint8Array, b32: Uint32Array | null, from: number, to: number): boolean {
  let i = from;
  if (a32 && b32) {
    for (; i < to && i & 3; i++) {
      const d = a[i]! - b[i]!;
      if (d > SUM_FLOOR || d < -SUM_FLOOR) return true;
    }
    const wEnd = (to >> 2) << 2;
    for (let w = i >> 2; w < wEnd >> 2; w++) {
      const x = a32[w]!;
      const y = b32[w]!;
      if (x === y) continue;
      const d = (((x | HIGH) >>> 0) - (y & LOW)) ^ ((x ^ ~y) & HIGH);
      const e = (((d & LOW) + FLOOR_BYTES) ^ (d & HIGH)) >>> 0;
      if ((((e & LOW) + ABOVE_BYTES) | e) & HIGH) return true;
    }
    i = Math.max(i, wEnd);
  }
  for (; i < to; i++) {
    const d = a[i]! - b[i]!;
    if (d > SUM_FLOOR || d < -SUM_FLOOR) return true;
  }
  return false;
}

/** Copies bytes `from` to `to` of `src` to the same offsets of `dst`, a 32-bit word at a time where both allow (a tile row is 48 bytes: cheaper than a subarray and set per row). */
function copyBytes(src: Uint8Array, src32: Uint32Array | null, dst: Uint8Array, dst32: Uint32Array | null, from: number, to: number): void {
  let i = from;
  if (src32 && dst32) {
    for (; i < to && i & 3; i++) dst[i] = src[i]!;
    const wEnd = to >> 2;
    for (let w = i >> 2; w < wEnd; w++) dst32[w] = src32[w]!;
    i = Math.max(i, wEnd << 2);
  }
  for (; i < to; i++) dst[i] = src[i]!;
}

const words = (d: Uint8Array): Uint32Array | null => (d.byteOffset & 3 ? null : new Uint32Array(d.buffer, d.byteOffset, d.byteLength >> 2));

export class TileScreen {
  readonly cols: number;
  readonly rows: number;
  /** Two full-frame buffers (same byte offsets as the frame): per tile one holds its reference, the other its earlier one. */
  private bufs: [Uint8Array, Uint8Array] | null = null;
  private bufs32: [Uint32Array | null, Uint32Array | null] = [null, null];
  private frameWidth = 0;
  private frameHeight = 0;
  /** Per tile: which buffer holds its reference (the other holds its earlier reference). */
  private readonly cur: Uint8Array;
  /** Per tile: the sample its reference and its earlier reference were read on (−1: none). */
  private readonly refSample: Int32Array;
  private readonly earlierSample: Int32Array;
  /** Per sample whose lines are known: the tiles a line touched (1); samples still being read are absent. */
  private readonly touched = new Map<number, Uint8Array>();

  constructor(readonly area: Rect) {
    this.cols = Math.ceil(area.width / TILE);
    this.rows = Math.ceil(area.height / TILE);
    this.cur = new Uint8Array(this.cols * this.rows);
    this.refSample = new Int32Array(this.cols * this.rows).fill(-1);
    this.earlierSample = new Int32Array(this.cols * this.rows).fill(-1);
  }

  get tileCount(): number {
    return this.cols * this.rows;
  }

  private buffers(f: RgbFrame): [Uint8Array, Uint8Array] {
    if (!this.bufs || this.frameWidth !== f.width || this.frameHeight !== f.height) {
      this.frameWidth = f.width;
      this.frameHeight = f.height;
      this.bufs = [new Uint8Array(f.width * f.height * 3), new Uint8Array(f.width * f.height * 3)];
      this.bufs32 = [words(this.bufs[0]), words(this.bufs[1])];
      this.cur.fill(0);
      this.refSample.fill(-1);
      this.earlierSample.fill(-1);
    }
    return this.bufs;
  }

  /** The reference of every tile becomes this frame's pixels (the whole area was read on sample `sample`). */
  rememberAll(f: RgbFrame, sample = 0): void {
    this.remember(f, new Uint8Array(this.tileCount).fill(1), sample);
  }

  /**
   * The reference of the marked tiles becomes this frame's pixels (they were read on sample `sample`); the reference
   * each had becomes its earlier reference.
   */
  remember(f: RgbFrame, tiles: Uint8Array, sample = 0): void {
    const bufs = this.buffers(f);
    const a = this.area;
    const src = f.data;
    const src32 = words(src);
    for (let ty = 0; ty < this.rows; ty++) {
      for (let tx = 0; tx < this.cols; tx++) {
        const t = ty * this.cols + tx;
        if (!tiles[t]) continue;
        this.cur[t] = this.cur[t]! ^ 1;
        this.earlierSample[t] = this.refSample[t]!;
        this.refSample[t] = sample;
        const dst = bufs[this.cur[t]!]!;
        const n = Math.min(TILE, a.width - tx * TILE) * 3;
        const dst32 = this.bufs32[this.cur[t]!] ?? null;
        for (let y = ty * TILE; y < Math.min(a.height, (ty + 1) * TILE); y++) {
          const i = ((a.y + y) * f.width + a.x + tx * TILE) * 3;
          copyBytes(src, src32, dst, dst32, i, i + n);
        }
      }
    }
    this.forgetUnused();
  }

  /**
   * The lines read on sample `sample` (all reported for it, new and reused): the tiles they touch (within
   * LINE_REACH) are not free of text in the state they had then. Until this is told, no state read on that sample
   * is recalled.
   */
  markLines(sample: number, boxes: readonly Rect[]): void {
    const mask = new Uint8Array(this.tileCount);
    const a = this.area;
    for (const b of boxes) {
      const tx0 = Math.max(0, Math.floor((b.x - LINE_REACH - a.x) / TILE));
      const tx1 = Math.min(this.cols - 1, Math.floor((b.x + b.width + LINE_REACH - 1 - a.x) / TILE));
      const ty0 = Math.max(0, Math.floor((b.y - LINE_REACH - a.y) / TILE));
      const ty1 = Math.min(this.rows - 1, Math.floor((b.y + b.height + LINE_REACH - 1 - a.y) / TILE));
      for (let ty = ty0; ty <= ty1; ty++) mask.fill(1, ty * this.cols + tx0, ty * this.cols + tx1 + 1);
    }
    this.touched.set(sample, mask);
    this.forgetUnused();
  }

  /** Drops what is known of samples no tile's references come from any more. */
  private forgetUnused(): void {
    if (this.touched.size < 8) return;
    const used = new Set<number>();
    for (let t = 0; t < this.tileCount; t++) {
      used.add(this.refSample[t]!);
      used.add(this.earlierSample[t]!);
    }
    for (const s of this.touched.keys()) if (!used.has(s)) this.touched.delete(s);
  }

  /** Whether the pixels of tile (tx, ty) in `d` differ from `ref` enough to be read (the test above). */
  private differs(f: RgbFrame, f32: Uint32Array | null, ref: Uint8Array, ref32: Uint32Array | null, tx: number, ty: number): boolean {
    const a = this.area;
    const d = f.data;
    const x0 = tx * TILE;
    const n = Math.min(TILE, a.width - x0) * 3;
    const yEnd = Math.min(a.height, (ty + 1) * TILE);
    let first = -1;
    for (let y = ty * TILE; y < yEnd; y++) {
      const i0 = ((a.y + y) * f.width + a.x + x0) * 3;
      if (anyByteApart(d, f32, ref, ref32, i0, i0 + n)) {
        first = y;
        break;
      }
    }
    if (first < 0) return false;
    return rowsDiffer(d, ref, ((a.y + first) * f.width + a.x + x0) * 3, f.width * 3, n, yEnd - first);
  }

  /**
   * 1 for each tile (row-major) whose pixels changed since its reference and are not its earlier reference read
   * free of text, and how many; `recalled`: tiles found in their earlier reference (that is their reference now).
   *
   * `undecided`: tiles back in their earlier reference whose sample's lines are not known yet (`markLines`): whether
   * they are recalled or read waits for those lines (`waitFor`: the samples); `decide` settles them once told. So
   * the answer is the same whenever the lines come: a scan may screen a sample while earlier ones are still read.
   */
  changed(f: RgbFrame): { tiles: Uint8Array; count: number; recalled: number; undecided: number[]; waitFor: Set<number> } {
    const bufs = this.buffers(f);
    const f32 = words(f.data);
    const tiles = new Uint8Array(this.tileCount);
    const undecided: number[] = [];
    const waitFor = new Set<number>();
    let count = 0;
    let recalled = 0;
    for (let ty = 0; ty < this.rows; ty++) {
      for (let tx = 0; tx < this.cols; tx++) {
        const t = ty * this.cols + tx;
        const c = this.cur[t]!;
        if (!this.differs(f, f32, bufs[c]!, this.bufs32[c] ?? null, tx, ty)) continue;
        const earlier = this.earlierSample[t]!;
        const marks = earlier >= 0 ? this.touched.get(earlier) : undefined;
        // Touched by a line then (or no earlier state): read. Not known yet: read unless back in that state.
        const candidate = earlier >= 0 && (marks ? marks[t] === 0 : true);
        if (candidate && !this.differs(f, f32, bufs[c ^ 1]!, this.bufs32[c ^ 1] ?? null, tx, ty)) {
          if (!marks) {
            undecided.push(t);
            waitFor.add(earlier);
            continue;
          }
          this.recall(t);
          recalled++;
          continue;
        }
        tiles[t] = 1;
        count++;
      }
    }
    return { tiles, count, recalled, undecided, waitFor };
  }

  /**
   * Settles `changed`'s undecided tiles into `result` once their earlier samples' lines are told: recalled if no line
   * touched the tile then, else read (also when the lines are still unknown: fail closed).
   */
  decide(result: { tiles: Uint8Array; count: number; recalled: number; undecided: number[] }): void {
    for (const t of result.undecided) {
      if (this.touched.get(this.earlierSample[t]!)?.[t] === 0) {
        this.recall(t);
        result.recalled++;
      } else {
        result.tiles[t] = 1;
        result.count++;
      }
    }
    result.undecided = [];
  }

  /** Tile `t` is back in its earlier reference: that becomes its reference, and its reference the earlier one. */
  private recall(t: number): void {
    const earlier = this.earlierSample[t]!;
    this.cur[t] = this.cur[t]! ^ 1;
    this.earlierSample[t] = this.refSample[t]!;
    this.refSample[t] = earlier;
  }

  /** The frame rectangle of tile (tx, ty), clipped to the area. */
  tileRect(tx: number, ty: number): Rect {
    const x = tx * TILE;
    const y = ty * TILE;
    return {
      x: this.area.x + x,
      y: this.area.y + y,
      width: Math.min(TILE, this.area.width - x),
      height: Math.min(TILE, this.area.height - y),
    };
  }
}
