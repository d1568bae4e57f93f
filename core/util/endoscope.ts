import type { RgbImage } from './rgb-image.js';
import type { EndoscopeRegion, MaskShape, MeasuredEndoscopeRegion } from './endoscope-region.js';

export * from './endoscope-region.js';

const WORK_WIDTH = 320;
const BLACK_THRESHOLD = 24;

/**
 * Max luminance per pixel over frames, at a small working size: frames are added one by one (nothing of
 * them is kept), so a long video's samples cost a few hundred kilobytes.
 */
export class EndoscopeAccumulator {
  private acc: { w: number; h: number; count: Uint16Array; frames: number; sx: number; sy: number; fw: number; fh: number } | null = null;
  private luma = new Uint8Array(0);
  /** Byte offset of each working column's source pixel in a frame row. */
  private columns = new Int32Array(0);

  /** `litShare`: the share of frames a pixel must be lit in to count as image (see `result`). */
  constructor(private readonly litShare = 0.3) {}

  add(f: RgbImage): void {
    if (!this.acc || this.acc.fw !== f.width || this.acc.fh !== f.height) {
      const w = Math.min(WORK_WIDTH, f.width);
      const h = Math.max(1, Math.round((f.height * w) / f.width));
      this.acc = { w, h, count: new Uint16Array(w * h), frames: 0, sx: f.width / w, sy: f.height / h, fw: f.width, fh: f.height };
      this.luma = new Uint8Array(w * h);
      this.columns = new Int32Array(0);
    }
    const { w, h, count, sx, sy } = this.acc;
    const luma = this.luma;
    const hist = new Uint32Array(256);
    if (this.columns.length !== w) {
      this.columns = new Int32Array(w);
      for (let x = 0; x < w; x++) this.columns[x] = Math.min(f.width - 1, Math.floor((x + 0.5) * sx)) * 3;
    }
    const columns = this.columns;
    for (let y = 0; y < h; y++) {
      const row = Math.min(f.height - 1, Math.floor((y + 0.5) * sy)) * f.width * 3;
      for (let x = 0; x < w; x++) {
        const i = row + columns[x]!;
        const l = (f.data[i]! * 77 + f.data[i + 1]! * 150 + f.data[i + 2]! * 29) >> 8;
        luma[y * w + x] = l;
        hist[l]!++;
      }
    }
    // The ground around the image is black or a dark grey: measure it (10th percentile) and sit above it.
    let bg = 0;
    for (let acc = 0; bg < 255 && (acc += hist[bg]!) < luma.length * 0.1; bg++);
    // No dark ground at all (the image fills the frame): plain black threshold.
    const threshold = bg < 60 ? Math.max(BLACK_THRESHOLD, bg + 20) : BLACK_THRESHOLD;
    for (let p = 0; p < luma.length; p++) if (luma[p]! > threshold) count[p]!++;
    this.acc.frames++;
  }

  /**
   * A pixel is image when it is lit in at least 30 % of the frames (`litShare`): a white-out or a view of the
   * room (scope outside the patient) in a few samples does not turn the whole frame into "image". With only a
   * few samples the share must be a majority: 30 % of three frames is one.
   */
  result(): MeasuredEndoscopeRegion | null {
    if (!this.acc || !this.acc.frames) return null;
    const { w, h, count, frames, sx, sy, fw, fh } = this.acc;
    const need = Math.max(1, Math.ceil(frames * this.litShare - 1e-9));
    const mask = new Uint8Array(w * h);
    for (let p = 0; p < mask.length; p++) mask[p] = count[p]! >= need ? 1 : 0;
    return regionFromMask({ w, h, mask, sx, sy, fw, fh });
  }
}

/**
 * Detect the endoscope image: the largest non-black connected area over the sampled frames (text overlays
 * are small separate blobs), its rows filled from leftmost to rightmost pixel (dark lumen inside is still
 * image), classified by how much of its rectangle it fills. Null when the frames are black.
 */
export function detectEndoscopeRegion(frames: RgbImage[], opts: { litShare?: number } = {}): MeasuredEndoscopeRegion | null {
  const acc = new EndoscopeAccumulator(opts.litShare);
  for (const f of frames) acc.add(f);
  return acc.result();
}

function regionFromMask(l: {
  w: number;
  h: number;
  mask: Uint8Array;
  sx: number;
  sy: number;
  fw: number;
  fh: number;
}): MeasuredEndoscopeRegion | null {
  const { w, h, mask, sx, sy } = l;
  const labels = new Int32Array(w * h);
  const stack = new Int32Array(w * h);
  let best = { label: 0, count: 0 };
  let next = 0;
  for (let s = 0; s < mask.length; s++) {
    if (labels[s] || !mask[s]) continue;
    next++;
    let sp = 0;
    let count = 0;
    stack[sp++] = s;
    labels[s] = next;
    // The four neighbours written out: a closure per pixel made this fill 20 ms of the thumbnail's main-thread
    // work on a clinical video (five 320×180 frames), most of it allocation.
    while (sp) {
      const p = stack[--sp]!;
      count++;
      const x = p % w;
      let q = p - 1;
      if (x > 0 && !labels[q] && mask[q]) {
        labels[q] = next;
        stack[sp++] = q;
      }
      q = p + 1;
      if (x < w - 1 && !labels[q] && mask[q]) {
        labels[q] = next;
        stack[sp++] = q;
      }
      q = p - w;
      if (p >= w && !labels[q] && mask[q]) {
        labels[q] = next;
        stack[sp++] = q;
      }
      q = p + w;
      if (q < mask.length && !labels[q] && mask[q]) {
        labels[q] = next;
        stack[sp++] = q;
      }
    }
    if (count > best.count) best = { label: next, count };
  }
  // Too small to be an image (only text): no region.
  if (best.count < w * h * 0.05) return null;
  let minX = w,
    maxX = -1,
    minY = h,
    maxY = -1,
    filled = 0;
  const spans: Array<[number, number] | null> = [];
  for (let y = 0; y < h; y++) {
    let l = -1,
      r = -1;
    for (let x = 0; x < w; x++) {
      if (labels[y * w + x] === best.label) {
        if (l < 0) l = x;
        r = x;
      }
    }
    spans.push(l >= 0 ? [l, r] : null);
    if (l >= 0) {
      filled += r - l + 1;
      minX = Math.min(minX, l);
      maxX = Math.max(maxX, r);
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
    }
  }
  const rw = maxX - minX + 1;
  const rh = maxY - minY + 1;
  const fill = filled / (rw * rh);
  // Corner cut: width missing at the top row relative to the full width, vs. the circle's profile.
  const top = spans[minY]!;
  const topWidth = (top[1] - top[0] + 1) / rw;
  let shape: MaskShape;
  let cornerCut: number | undefined;
  if (fill > 0.97) shape = 'rectangle';
  else if (topWidth > 0.25 && fill > 0.8) {
    shape = 'octagon';
    cornerCut = Math.round(((1 - topWidth) / 2) * (rw / Math.min(rw, rh)) * 1000) / 1000;
  } else shape = 'circle';
  const region: MeasuredEndoscopeRegion = {
    x: Math.round(minX * sx),
    y: Math.round(minY * sy),
    width: Math.round(rw * sx),
    height: Math.round(rh * sy),
    shape,
    frameWidth: l.fw,
    frameHeight: l.fh,
    fill: Math.round(fill * 1000) / 1000,
  };
  if (cornerCut !== undefined) region.cornerCut = cornerCut;
  return region;
}

/** Is a point inside the region's mask (circle/octagon/rectangle)? */
export function insideMask(r: EndoscopeRegion, px: number, py: number): boolean {
  const nx = (px - r.x) / r.width;
  const ny = (py - r.y) / r.height;
  if (nx < 0 || ny < 0 || nx > 1 || ny > 1) return false;
  if (r.shape === 'rectangle') return true;
  const dx = Math.abs(nx - 0.5) * 2;
  const dy = Math.abs(ny - 0.5) * 2;
  if (r.shape === 'circle') return dx * dx + dy * dy <= 1;
  const cut = (r.cornerCut ?? 0.2) * 2;
  return dx + dy <= 2 - cut;
}
