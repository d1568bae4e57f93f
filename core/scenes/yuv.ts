/**
 * The content score from planar YUV 4:2:2 frames instead of packed RGB: ffmpeg sends 2 bytes a pixel instead of 3
 * and skips its per-pixel C RGB output stage; RGB is made here, and only for pixels whose Y, U or V changed.
 *
 * The RGB is bit-identical to what ffmpeg's rgb24 output gives for the same scaled frame, so every score and cut
 * is unchanged. That holds because of how swscale makes packed RGB from a *scaled* frame: it scales luma to the
 * output size and chroma to half its width (4:2:2, the layout of the yuv422p output here), then looks each pixel up
 * in integer tables built once per context (libswscale/yuv2rgb.c `ff_yuv2rgb_c_init_tables`, packed 24-bit case):
 * R = T[Y + rV(V)], G = T[Y + gU(U) + gV(V)], B = T[Y + bU(U)] with T a clipped ramp. The nearest-neighbour scale
 * copies source samples exactly into both outputs (one filter tap of 1.0, rounding that cancels), so rebuilding
 * those tables gives the same bytes. Checked against ffmpeg 5.1 and the bundled 2018 build on every frame of the
 * bench clip, bikes.mp4, bigbuckbunny.mp4 and auto-editor's example.mp4 (BT.709): 0 differing bytes
 * (test/scenes/detect-yuv.test.ts checks scores). NOT identical without scaling (same size in and out: swscale
 * then uses its SIMD converter) — callers use this only when the analysis size differs from the decoded size.
 */
import { hsvTables, type HsvFrame } from './hsv.js';

/** The YUV → RGB matrices whose swscale tables are rebuilt here (others keep ffmpeg's RGB output). */
export type YuvMatrix = 'bt601' | 'bt709';

/** swscale's inverse tables (`ff_yuv2rgb_coeffs`): crv, cbu, cgu, cgv in 1/65536. */
const COEFFS: Record<YuvMatrix, readonly [number, number, number, number]> = {
  bt601: [104597, 132201, 25675, 53279],
  bt709: [117489, 138438, 13975, 34925],
};

/**
 * The matrix ffmpeg's scale filter would use for a stream (its default `in_color_matrix=auto`: the frame's
 * colour space; unspecified means BT.601), or null where this module does not reproduce ffmpeg's RGB:
 * anything but 8-bit 4:2:0 (other layouts and bit depths scale and dither differently) or full-range video.
 */
export function yuvMatrixFor(source: { pixelFormat: string | null; space: string | null; range: string | null }): YuvMatrix | null {
  if (source.pixelFormat !== 'yuv420p') return null;
  if (source.range !== null && source.range !== 'tv') return null;
  if (source.space === null || source.space === 'bt470bg' || source.space === 'smpte170m') return 'bt601';
  if (source.space === 'bt709') return 'bt709';
  return null;
}

/** Index bias of the clip table: Y plus the chroma offsets stays within −256 … +512. */
const BIAS = 512;

export interface YuvTables {
  /** Clipped 8-bit value of (index − BIAS), swscale's `y_table`. */
  ramp: Uint8Array;
  rV: Int32Array;
  gU: Int32Array;
  gV: Int32Array;
  bU: Int32Array;
}

const built = new Map<YuvMatrix, YuvTables>();

/** swscale's packed-RGB tables for limited-range input and full-range RGB output (default contrast etc.). */
export function yuvTables(matrix: YuvMatrix): YuvTables {
  const cached = built.get(matrix);
  if (cached) return cached;
  const [c0, c1, c2, c3] = COEFFS[matrix];
  // Limited range: luma scaled by 255/219 (integer division in C); chroma coefficients rescaled by it.
  const cy = Math.trunc((65536 * 255) / 219);
  const rescale = (c: number) => Math.trunc((c * 65536 + 0x8000) / cy);
  const crv = rescale(c0);
  const cbu = rescale(c1);
  const cgu = rescale(-c2);
  const cgv = rescale(-c3);
  // fill_table / fill_gv_table: offset (c·v >> 16) − (c >> 9), arithmetic shifts as in C.
  const offsets = (c: number) => Int32Array.from({ length: 256 }, (_, v) => ((v * c) >> 16) - (c >> 9));
  // y_table at yoffs = 326 (+ headroom): value(i) = clip((i·cy − (384 << 16) − (16 << 16) + 0x8000) >> 16), i = Y + offset + 326.
  const k = 326 * cy - (384 << 16) - (16 << 16) + 0x8000;
  const ramp = new Uint8Array(1280);
  for (let i = 0; i < ramp.length; i++) ramp[i] = Math.max(0, Math.min(255, ((i - BIAS) * cy + k) >> 16));
  const t = { ramp, rV: offsets(crv), gU: offsets(cgu), gV: offsets(cgv), bU: offsets(cbu) };
  built.set(matrix, t);
  return t;
}

/**
 * This frame's and the previous frame's yuv422p planes, each plane in its own 4-byte-aligned buffer, so that
 * 8 pixels (two Y words, one U word, one V word) compare as 4 words.
 */
export class YuvHistory {
  readonly chroma: number;
  private y: [Uint8Array, Uint8Array];
  private u: [Uint8Array, Uint8Array];
  private v: [Uint8Array, Uint8Array];
  private turn = 0;
  /** Frames pushed: the first is converted whole (the zeroed planes before it are not black in YUV). */
  private pushed = 0;
  constructor(readonly pixels: number) {
    this.chroma = pixels >> 1;
    const plane = (n: number) => new Uint8Array(Math.ceil(n / 4) * 4);
    this.y = [plane(pixels), plane(pixels)];
    this.u = [plane(this.chroma), plane(this.chroma)];
    this.v = [plane(this.chroma), plane(this.chroma)];
  }
  /** Copy a yuv422p frame in (Y plane, then U, then V) as the current frame. */
  push(frame: Uint8Array): void {
    this.turn ^= 1;
    this.pushed++;
    const n = this.pixels;
    const c = this.chroma;
    this.y[this.turn]!.set(frame.subarray(0, n));
    this.u[this.turn]!.set(frame.subarray(n, n + c));
    this.v[this.turn]!.set(frame.subarray(n + c, n + 2 * c));
  }
  /** Whether the current frame is the first (nothing to compare it with). */
  get first(): boolean {
    return this.pushed === 1;
  }
  planes(previous = false): { y: Uint8Array; u: Uint8Array; v: Uint8Array } {
    const t = previous ? this.turn ^ 1 : this.turn;
    return { y: this.y[t]!, u: this.u[t]!, v: this.v[t]! };
  }
}

const words = (a: Uint8Array) => new Uint32Array(a.buffer, a.byteOffset, a.byteLength >> 2);

/**
 * `hsvStepChanged` (hsv.ts) from yuv422p: updates `hsv` (the previous frame's HSV) in place and returns the mean
 * |Δ| of H, S and V. A group of 8 pixels whose Y, U and V equal the previous frame's keeps its HSV and adds 0;
 * the others are converted to RGB with swscale's tables and then to HSV exactly as from ffmpeg's RGB.
 */
export function hsvStepChangedYuv(history: YuvHistory, hsv: HsvFrame, t: YuvTables): { hue: number; sat: number; lum: number } {
  const { SAT, DIFF } = hsvTables();
  const { ramp, rV, gU, gV, bU } = t;
  const cur = history.planes();
  const prev = history.planes(true);
  const Y = cur.y;
  const U = cur.u;
  const V = cur.v;
  const yw = words(Y);
  const pyw = words(prev.y);
  const uw = words(U);
  const puw = words(prev.u);
  const vw = words(V);
  const pvw = words(prev.v);
  const n = hsv.length;
  const groups = history.chroma >> 2;
  let sh = 0;
  let ss = 0;
  let sl = 0;
  let g = 0;
  const all = history.first;
  for (;;) {
    while (!all && g < groups && uw[g] === puw[g] && vw[g] === pvw[g] && yw[2 * g] === pyw[2 * g] && yw[2 * g + 1] === pyw[2 * g + 1]) g++;
    // A changed group of 8 pixels (4 chroma samples), or the pixels after the last whole group (always converted).
    const c0 = g < groups ? g << 2 : groups << 2;
    const cEnd = g < groups ? c0 + 4 : history.chroma;
    for (let c = c0; c < cEnd; c++) {
      const u = U[c]!;
      const v = V[c]!;
      const ro = rV[v]! + BIAS;
      const go = gU[u]! + gV[v]! + BIAS;
      const bo = bU[u]! + BIAS;
      for (let i = c << 1, end = i + 2; i < end; i++) {
        const y = Y[i]!;
        const r = ramp[y + ro]!;
        const gg = ramp[y + go]!;
        const tt = DIFF[(r - gg + 255) * 512 + gg - ramp[y + bo]! + 255]!;
        const hue = tt & 255;
        const val = r + (tt >>> 16);
        const sat = SAT[(val << 8) | ((tt >> 8) & 255)]!;
        const p = hsv[i]!;
        let x = hue - (p & 255);
        sh += (x ^ (x >> 31)) - (x >> 31);
        x = sat - ((p >> 8) & 255);
        ss += (x ^ (x >> 31)) - (x >> 31);
        x = val - (p >>> 16);
        sl += (x ^ (x >> 31)) - (x >> 31);
        hsv[i] = hue | (sat << 8) | (val << 16);
      }
    }
    if (g >= groups) break;
    g++;
  }
  return { hue: sh / n, sat: ss / n, lum: sl / n };
}
