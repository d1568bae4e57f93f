/** Axis-aligned box in pixels of the frame it was found in (x, y = top-left). */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function clampBox(b: Box, width: number, height: number): Box {
  const x = Math.max(0, Math.min(width, Math.floor(b.x)));
  const y = Math.max(0, Math.min(height, Math.floor(b.y)));
  const x2 = Math.max(x, Math.min(width, Math.ceil(b.x + b.width)));
  const y2 = Math.max(y, Math.min(height, Math.ceil(b.y + b.height)));
  return { x, y, width: x2 - x, height: y2 - y };
}

export function boxArea(b: Box): number {
  return Math.max(0, b.width) * Math.max(0, b.height);
}

export function intersection(a: Box, b: Box): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/** The smallest box holding both. */
export function unionBox(a: Box, b: Box): Box {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
}

export function iou(a: Box, b: Box): number {
  const i = intersection(a, b);
  const u = boxArea(a) + boxArea(b) - i;
  return u > 0 ? i / u : 0;
}

/** Fraction of `inner` that lies inside `outer`. */
export function coverage(inner: Box, outer: Box): number {
  const a = boxArea(inner);
  return a > 0 ? intersection(inner, outer) / a : 0;
}

export function scaleBox(b: Box, sx: number, sy: number): Box {
  return { x: b.x * sx, y: b.y * sy, width: b.width * sx, height: b.height * sy };
}

export function roundBox(b: Box): Box {
  return { x: Math.round(b.x), y: Math.round(b.y), width: Math.round(b.width), height: Math.round(b.height) };
}

/** One channel of a region (0 = R, 1 = G, 2 = B), optionally inverted. */
