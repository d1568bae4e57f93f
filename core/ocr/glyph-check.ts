import type { GrayImage } from './image.js';

/**
 * Shape checks of a prepared line (dark text on a light ground) against its reading. At small sizes (14 px)
 * the recogniser reads a dotless ı as i (and the reverse) with full scores although the pixels still show
 * whether the dot is there; Tesseract's per-symbol boxes are too loose to look at one letter, so the check
 * counts: narrow vertical strokes with a mark above them are dotted letters (i j í ì î ï İ); their number
 * must equal the dotted letters of the reading.
 */

/** Ink is dark: the prepared line is contrast stretched. */
const INK = 128;

interface Component {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  area: number;
}

/** 8-connected components of ink pixels. */
export function components(g: GrayImage): Component[] {
  const { width, height, data } = g;
  const seen = new Uint8Array(width * height);
  const out: Component[] = [];
  const stack: number[] = [];
  for (let start = 0; start < data.length; start++) {
    if (seen[start] || data[start]! >= INK) continue;
    seen[start] = 1;
    stack.push(start);
    const c = { x0: width, y0: height, x1: -1, y1: -1, area: 0 };
    while (stack.length) {
      const p = stack.pop()!;
      const x = p % width;
      const y = (p - x) / width;
      c.area++;
      if (x < c.x0) c.x0 = x;
      if (x > c.x1) c.x1 = x;
      if (y < c.y0) c.y0 = y;
      if (y > c.y1) c.y1 = y;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= width) continue;
          const q = yy * width + xx;
          if (!seen[q] && data[q]! < INK) {
            seen[q] = 1;
            stack.push(q);
          }
        }
      }
    }
    out.push(c);
  }
  return out;
}

/** Letters drawn as a narrow stroke with a separate mark above it (a j's hooked stroke may not count). */
const DOTTED = /[iíìîïİÍÌÎÏ]/gu;

/**
 * How many narrow strokes carry a separate mark above them (an i's dot, an í's accent)? Null when the line
 * has no narrow stroke at all or looks like noise.
 */
export function dottedStrokes(g: GrayImage): number | null {
  const cs = components(g).filter((c) => c.area >= 3);
  if (!cs.length) return null;
  const tallest = Math.max(...cs.map((c) => c.y1 - c.y0 + 1));
  const strokes = cs.filter((c) => {
    const h = c.y1 - c.y0 + 1;
    const w = c.x1 - c.x0 + 1;
    return h >= tallest * 0.35 && w <= h * 0.4 && c.area >= w * h * 0.6;
  });
  if (!strokes.length) return null;
  let dotted = 0;
  for (const s of strokes) {
    const h = s.y1 - s.y0 + 1;
    const mark = cs.some(
      (m) =>
        m !== s && m.y1 < s.y0 && s.y0 - m.y1 <= h * 0.6 && m.y1 - m.y0 + 1 <= h * 0.6 && Math.min(m.x1, s.x1) - Math.max(m.x0, s.x0) >= 0,
    );
    if (mark) dotted++;
  }
  return dotted;
}

/**
 * Does the reading's count of dotted letters match the pixels? False means the recogniser read an i for a ı
 * or the reverse (or lost an accent over an i); null when the line cannot be judged.
 */
export function dotsAgree(g: GrayImage, text: string): boolean | null {
  const expected = (text.match(DOTTED) ?? []).length;
  const js = (text.match(/j/gu) ?? []).length;
  if (!expected && !text.includes('ı')) return null;
  const seen = dottedStrokes(g);
  return seen === null ? null : seen >= expected && seen <= expected + js;
}
