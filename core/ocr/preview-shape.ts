import type { Box } from '../util/box.js';
import { insideMask, type EndoscopeRegion } from '../util/endoscope.js';

/**
 * The corners of an octagonal or round endoscope image, as black boxes of a W×H preview: everything inside the
 * image's bounding rectangle `keep` but outside its shape (where a device puts overlay text). Previews are
 * drawn with ffmpeg's `drawbox` (rectangles only), so each side of the shape becomes a staircase of row bands;
 * a band hides what lies outside the shape in ANY of its rows, one pixel more towards the image (scaling blurs
 * an edge pixel in): never less than the shape hides. At most about 64 bands per side, so a full-size keyframe
 * stays a short filter chain; bands with the same edges are joined.
 *
 * `region` is given in the picture's own pixels (scaled, fractional coordinates allowed).
 */
export function outsideShapeBoxes(region: EndoscopeRegion, keep: Box): Box[] {
  if (region.shape === 'rectangle' || keep.width <= 0 || keep.height <= 0) return [];
  const left = keep.x;
  const right = keep.x + keep.width;
  // First and last kept column (exclusive end) of each row; a row without any image pixel is hidden whole.
  const spans: Array<[number, number]> = [];
  for (let y = keep.y; y < keep.y + keep.height; y++) {
    let a = -1;
    let b = -1;
    for (let x = left; x < right; x++) {
      if (insideMask(region, x + 0.5, y + 0.5)) {
        if (a < 0) a = x;
        b = x + 1;
      }
    }
    spans.push(a < 0 ? [right, right] : [Math.min(right, a + 1), Math.max(a + 1, b - 1)]);
  }
  const band = Math.max(1, Math.ceil(keep.height / 64));
  const bands: Array<{ y: number; height: number; a: number; b: number }> = [];
  for (let i = 0; i < spans.length; i += band) {
    const rows = spans.slice(i, i + band);
    let a = Math.max(...rows.map((s) => s[0]));
    let b = Math.min(...rows.map((s) => s[1]));
    if (b <= a) [a, b] = [right, right];
    const prev = bands[bands.length - 1];
    if (prev && prev.a === a && prev.b === b) prev.height += rows.length;
    else bands.push({ y: keep.y + i, height: rows.length, a, b });
  }
  const out: Box[] = [];
  for (const s of bands) {
    if (s.a > left) out.push({ x: left, y: s.y, width: s.a - left, height: s.height });
    if (s.b < right && s.b > s.a) out.push({ x: s.b, y: s.y, width: right - s.b, height: s.height });
  }
  return out;
}
