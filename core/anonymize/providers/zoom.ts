import type { Box, RgbImage } from '../../ocr/image.js';
import { channelCrop, clampBox, intersection, iou, resizeGray, resizeRgb, rgbCrop } from '../../ocr/image.js';

/**
 * A second, closer look at what the whole-frame detection only half saw. The detector reads the whole frame
 * scaled down (960 px): a line whose surroundings outshine it (a name in a dark box next to a bright bar) or
 * whose colour barely differs from the ground (pink on orange) comes back as a few weak fragments, or not at
 * all. Detected again on its own, in a crop around the fragment scaled up ×2, the same line is found whole
 * (recall corpus: the 28 px name beside the grey bar and the 18 px pink date). Only weak or tiny boxes get a
 * second look, a few per frame, so a clean frame costs nothing more.
 */

/** Boxes whose mean text probability is below this are looked at again. */
export const ZOOM_BELOW_SCORE = 0.9;
/** At most this many second looks per frame (the weakest first: those are the half-seen lines). */
export const MAX_ZOOMS = 6;
/** How much the crop is scaled up before detection. */
const ZOOM = 2;

export interface ScoredBox extends Box {
  score: number;
}

/**
 * The tallest box (in the detector's pixels: frame pixels × its scale) still looked at again. Zoom recovers
 * lines the scaled-down detection half saw: small or faint text, whose fragments come back a few pixels tall
 * (recall corpus: the 28 px name as two 9 px pieces, the 18 px date as a 0.82 fragment, in frame pixels at
 * scale 0.5: 4–11 px). A box taller than this is resolved well enough already; it is still read as a line. On
 * moving texture the weak boxes are blobs (a checkerboard's edge, 40×80 to 50×120 frame px), and their crops,
 * 8 heights to either side, covered up to the whole frame at ×2: 2.5 Mpx, six times the frame's own detection.
 */
export const ZOOM_MAX_DETECTOR_HEIGHT = 20;

/**
 * The crops (frame pixels) to detect again: around weak or tiny boxes, wide enough for the rest of their line.
 * `maxHeight`: taller boxes (frame pixels) get no closer look (see ZOOM_MAX_DETECTOR_HEIGHT).
 */
export function zoomCrops(boxes: readonly ScoredBox[], width: number, height: number, minHeight: number, maxHeight = Infinity): Box[] {
  const weak = boxes
    .filter((b) => (b.score < ZOOM_BELOW_SCORE || b.height < minHeight) && b.height <= maxHeight)
    .sort((a, b) => a.score - b.score)
    .slice(0, MAX_ZOOMS * 2);
  const crops: Box[] = [];
  for (const b of weak) {
    // A fragment is a part of a line: the line may reach far to either side and be up to twice as tall.
    const h = Math.max(b.height, 12);
    const mx = Math.max(8 * h, 120);
    const my = Math.max(1.5 * h, 24);
    const c = clampBox(
      { x: Math.round(b.x - mx), y: Math.round(b.y - my), width: Math.round(b.width + 2 * mx), height: Math.round(b.height + 2 * my) },
      width,
      height,
    );
    if (c.width < 16 || c.height < 16) continue;
    // A crop mostly inside one already taken adds nothing: grow that one instead.
    const host = crops.find((o) => intersection(o, c) >= 0.5 * c.width * c.height);
    if (host) {
      const x0 = Math.min(host.x, c.x);
      const y0 = Math.min(host.y, c.y);
      host.width = Math.max(host.x + host.width, c.x + c.width) - x0;
      host.height = Math.max(host.y + host.height, c.y + c.height) - y0;
      host.x = x0;
      host.y = y0;
    } else crops.push(c);
    if (crops.length >= MAX_ZOOMS) break;
  }
  return crops;
}

/** `crop` of `img` scaled up ×ZOOM (bilinear), and how to map its boxes back to `img`. */
export function zoomedCrop(img: RgbImage, crop: Box): { image: RgbImage; back: (b: ScoredBox) => ScoredBox } {
  const src = rgbCrop(img, crop);
  const image = resizeRgb(src, src.width * ZOOM, src.height * ZOOM);
  return {
    image,
    back: (b) => ({
      ...b,
      x: Math.round(crop.x + b.x / ZOOM),
      y: Math.round(crop.y + b.y / ZOOM),
      width: Math.round(b.width / ZOOM),
      height: Math.round(b.height / ZOOM),
    }),
  };
}

/**
 * The whole-frame boxes with what the second looks found: a box of a closer look replaces the frame's boxes it
 * covers (the fragments it was taken for); frame boxes it does not touch stay. A sure, full-height frame box
 * (no fragment: it got no closer look of its own) is replaced only by a box that holds it whole: a crop taken
 * for a fragment nearby may cut a sure line at its edge, and the cut piece must not stand in for the whole
 * line (recall corpus, 360 cases at 720p: a 36 px date read whole by the frame detection, "09.1990" after).
 */
export function mergeZoomed<B extends ScoredBox>(frame: readonly B[], zoomed: readonly B[], minHeight = 0): B[] {
  if (!zoomed.length) return [...frame];
  const replaced = (f: B, z: B): boolean => {
    const area = f.width * f.height;
    const shared = intersection(f, z);
    const fragment = f.score < ZOOM_BELOW_SCORE || f.height < minHeight;
    return shared >= (fragment ? 0.5 : 0.9) * area;
  };
  const kept = frame.filter((f) => !zoomed.some((z) => replaced(f, z)));
  // Two crops may overlap and find the same line: of two boxes that mostly cover each other the larger stays.
  const unique: B[] = [];
  for (const z of [...zoomed].sort((a, b) => b.width * b.height - a.width * a.height)) {
    if (!unique.some((u) => intersection(u, z) >= 0.7 * z.width * z.height)) unique.push(z);
  }
  return [...kept, ...unique];
}

/**
 * What the closer looks found, by place and picture: a burned-in overlay's fragments come back in every sampled
 * frame, and the crop around them, unchanged, need not be detected again. All three channels are compared in
 * 4-px column blocks (as the line cache does), so a line that appears in the crop — even one that differs from
 * its ground only in hue — is looked at anew.
 */
export class ZoomCache {
  private entries: Array<{ crop: Box; print: Uint8Array; boxes: ScoredBox[] }> = [];

  private static fingerprint(img: RgbImage, crop: Box): Uint8Array {
    const out = new Uint8Array(3 * 96 * 16);
    for (const c of [0, 1, 2] as const) out.set(resizeGray(channelCrop(img, crop, c, false), 96, 16).data, c * 96 * 16);
    return out;
  }

  /** `crop` in the pixels of the area at `origin` of `img` (default: of `img` itself), and so are the places remembered. */
  lookup(img: RgbImage, crop: Box, origin: { x: number; y: number } = { x: 0, y: 0 }): { hit: ScoredBox[] | undefined; print: Uint8Array } {
    const print = ZoomCache.fingerprint(img, { ...crop, x: crop.x + origin.x, y: crop.y + origin.y });
    for (const e of this.entries) {
      if (iou(e.crop, crop) < 0.9) continue;
      const blocks = new Float64Array(3 * 24);
      for (let i = 0; i < print.length; i++) blocks[((i / 1536) | 0) * 24 + (((i % 96) / 4) | 0)]! += Math.abs(print[i]! - e.print[i]!);
      if (Math.max(...blocks) / 64 < 6) return { hit: e.boxes, print };
    }
    return { hit: undefined, print };
  }

  remember(crop: Box, print: Uint8Array, boxes: ScoredBox[]): void {
    this.entries.push({ crop: { ...crop }, print, boxes });
    if (this.entries.length > 200) this.entries.shift();
  }
}
