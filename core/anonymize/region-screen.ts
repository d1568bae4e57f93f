import type { FrameTextLine, FrameTextReader, RgbFrame } from './frame-text.js';
import { TILE, type TileScreen } from './tile-screen.js';
import { boxArea, intersection, iou, unionBox } from '../util/box.js';
import type { Rect } from './types.js';

/**
 * Where a sampled frame must be read again (text scan, verification): tile-screen.ts finds the tiles that changed
 * since they were last read; here they become few, small rectangles (with a margin) for the detector, cut lines
 * are read again wider, and the lines read are merged with those of the tiles that did not change.
 */
export { TILE, STRONG_DIFF, STRONG_PIXELS, SUM_FLOOR, SUM_LIMIT, TileScreen } from './tile-screen.js';
/**
 * Read around changed tiles: room for the detector to see text at a tile's edge as it does inside a frame. A line
 * the margin cuts is read again wider (readRegions). 32 px was tried (bench clip, with recall): 15 % fewer detector
 * pixels, but three times the zoom detections (weak fragments where moving texture is cut at the tighter edges),
 * and the same CPU in all (20.7 against 21.0 CPU-s in the detector's thread): not adopted.
 */
export const MARGIN = 48;
/**
 * Read rectangles are whole multiples of this (frame pixels): the detector's 0.5 scale then maps them to a
 * multiple of 16 px, which it rounds up to its 32-px grid (text is never shrunk more than in a whole frame).
 */
const SIZE_GRID = 32;
/** What one more detector call costs, in pixels of read area (≈ 3 ms of ≈ 160 ms per Mpx, measured at 1080p). */
const CALL_COST_PX = 20_000;
/** Tile rows per strip of the cover (64 px). */
const STRIP = 4;
/** A line box this close to an inner edge of its read rectangle may be cut there. */
const EDGE = 2;

export function intersect(a: Rect, b: Rect): Rect | null {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  const w = Math.min(a.x + a.width, b.x + b.width) - x;
  const h = Math.min(a.y + a.height, b.y + b.height) - y;
  return w > 0 && h > 0 ? { x, y, width: w, height: h } : null;
}

/** Whether `inner` lies inside `outer` (up to `tol` pixels out). */
export function inside(inner: Rect, outer: Rect, tol = 0): boolean {
  return (
    inner.x >= outer.x - tol &&
    inner.y >= outer.y - tol &&
    inner.x + inner.width <= outer.x + outer.width + tol &&
    inner.y + inner.height <= outer.y + outer.height + tol
  );
}

/**
 * `r` grown to whole multiples of SIZE_GRID (from the area's tile grid, within the area where it fits), so the
 * detector's rounding to its grid only ever scales it up, never shrinks text.
 */
export function snapRect(r: Rect, area: Rect): Rect {
  const fit = (start: number, size: number, lo: number, span: number): [number, number] => {
    let s = lo + Math.floor((start - lo) / TILE) * TILE;
    const len = Math.ceil((start + size - s) / SIZE_GRID) * SIZE_GRID;
    if (len >= span) return [lo, span];
    if (s + len > lo + span) s = lo + span - len;
    if (s < lo) s = lo;
    return [s, len];
  };
  const [x, width] = fit(r.x, r.width, area.x, area.width);
  const [y, height] = fit(r.y, r.height, area.y, area.height);
  return { x, y, width, height };
}

/**
 * Rectangles (frame pixels, inside `area`) that cover every marked tile with `margin` around it, few and small
 * (detector time is about its area plus a fixed cost per call). The marked tiles, grown by the margin, are swept
 * row by row: a run of them on a tile row is never split (a text line on it is read whole), and it joins the
 * rectangle above it when that wastes less area than a call costs. Then any two rectangles whose bounding box
 * costs no more than both apart are joined, until none are.
 */
export function coverRects(screen: TileScreen, tiles: Uint8Array, margin = MARGIN): Rect[] {
  const { area, cols, rows } = screen;
  // The marked tiles grown by the margin (whole tiles).
  const g = Math.ceil(margin / TILE);
  const grown = new Uint8Array(cols * rows);
  for (let ty = 0; ty < rows; ty++) {
    for (let tx = 0; tx < cols; tx++) {
      if (!tiles[ty * cols + tx]) continue;
      for (let y = Math.max(0, ty - g); y <= Math.min(rows - 1, ty + g); y++)
        grown.fill(1, y * cols + Math.max(0, tx - g), y * cols + Math.min(cols, tx + g + 1));
    }
  }
  // Strips of STRIP tile rows: each column run of grown tiles in a strip is a rectangle (a diagonal band of
  // changes becomes a staircase, not its bounding box).
  const strip = STRIP;
  const done: Rect[] = [];
  for (let sy = 0; sy < rows; sy += strip) {
    const y1 = Math.min(rows, sy + strip);
    const colHit = new Uint8Array(cols);
    let top = y1;
    let bottom = sy;
    for (let ty = sy; ty < y1; ty++) {
      for (let tx = 0; tx < cols; tx++) {
        if (grown[ty * cols + tx]) {
          colHit[tx] = 1;
          top = Math.min(top, ty);
          bottom = Math.max(bottom, ty);
        }
      }
    }
    for (let tx = 0; tx < cols; tx++) {
      if (!colHit[tx]) continue;
      let end = tx;
      while (end + 1 < cols && colHit[end + 1]) end++;
      let t0 = y1;
      let t1 = sy;
      for (let ty = sy; ty < y1; ty++) {
        for (let x = tx; x <= end; x++) {
          if (grown[ty * cols + x]) {
            t0 = Math.min(t0, ty);
            t1 = Math.max(t1, ty);
          }
        }
      }
      done.push(unionBox(screen.tileRect(tx, t0), screen.tileRect(end, t1)));
      tx = end;
    }
  }
  const snapped = joinRects(joinRects(done).map((r) => snapRect(r, area)));
  return snapped.filter((r, i) => !snapped.some((o, j) => j !== i && inside(r, o) && (j < i || !inside(o, r))));
}

const cost = (r: Rect) => r.width * r.height + CALL_COST_PX;

/** Join rectangles while a join costs the detector no more than the two apart. */
export function joinRects(input: Rect[]): Rect[] {
  const rects = input.map((r) => ({ ...r }));
  for (;;) {
    let best = -1;
    let bi = -1;
    let bj = -1;
    for (let i = 0; i < rects.length; i++) {
      for (let j = i + 1; j < rects.length; j++) {
        const a = rects[i]!;
        const b = rects[j]!;
        const saving = cost(a) + cost(b) - cost(unionBox(a, b));
        if (saving >= 0 && saving > best) [best, bi, bj] = [saving, i, j];
      }
    }
    if (bi < 0) return rects;
    rects[bi] = unionBox(rects[bi]!, rects[bj]!);
    rects.splice(bj, 1);
  }
}

/** Which inner edges (not on the area's border) of `r` the box reaches: there a line may be cut. */
function cutEdges(box: Rect, r: Rect, area: Rect): { left: boolean; right: boolean; top: boolean; bottom: boolean } {
  return {
    left: r.x > area.x && box.x <= r.x + EDGE,
    right: r.x + r.width < area.x + area.width && box.x + box.width >= r.x + r.width - EDGE,
    top: r.y > area.y && box.y <= r.y + EDGE,
    bottom: r.y + r.height < area.y + area.height && box.y + box.height >= r.y + r.height - EDGE,
  };
}

/** The rectangle to read again around a line cut at `r`'s edges: `reach` pixels further on each cut side (all of the area's width in the last round). */
function widened(box: Rect, r: Rect, area: Rect, round: number): Rect {
  const e = cutEdges(box, r, area);
  const reach = round >= 2 ? area.width : Math.max(6 * box.height, 160) * (round === 0 ? 1 : 4);
  const v = Math.max(box.height, MARGIN);
  let x0 = Math.min(r.x, box.x - MARGIN);
  let x1 = Math.max(r.x + r.width, box.x + box.width + MARGIN);
  if (e.left) x0 = box.x - reach;
  if (e.right) x1 = box.x + box.width + reach;
  const y0 = e.top ? box.y - v : Math.max(r.y, box.y - v);
  const y1 = e.bottom ? box.y + box.height + v : Math.min(r.y + r.height, box.y + box.height + v);
  const out = intersect({ x: x0, y: y0, width: x1 - x0, height: y1 - y0 }, area) ?? r;
  return snapRect(out, area);
}

export interface RegionRead {
  lines: FrameTextLine[];
  /** Every rectangle read (those asked for and those widened around cut lines). */
  read: Rect[];
  /** Rectangles read again because a line reached an inner edge. */
  widened: number;
}

/**
 * Read `rects` of the frame. A line that reaches an inner edge of its rectangle may continue beyond it: the
 * rectangle is widened along that line and read again (up to three rounds; the last one spans the whole area's
 * width), and the cut piece gives way to what the wider read found there. Lines found twice are reported once
 * (with both readings).
 */
export async function readRegions(
  reader: FrameTextReader,
  frame: RgbFrame,
  rects: Rect[],
  area: Rect,
  signal?: AbortSignal,
): Promise<RegionRead> {
  const read: Rect[] = [];
  const found: Array<{ line: FrameTextLine; cut: boolean }> = [];
  let pending = rects;
  let widenedCount = 0;
  for (let round = 0; pending.length && round < 4; round++) {
    const results = await Promise.all(pending.map((r) => reader.read(frame, signal, r)));
    read.push(...pending);
    const next: Rect[] = [];
    pending.forEach((r, i) => {
      for (const line of results[i]!) {
        const e = cutEdges(line.box, r, area);
        const cut = e.left || e.right || e.top || e.bottom;
        found.push({ line, cut });
        if (!cut || round === 3) continue;
        const w = widened(line.box, r, area, round);
        // Already read whole by a rectangle that holds it with room around it: nothing to read again.
        if (read.some((o) => inside(w, o))) continue;
        next.push(w);
      }
    });
    pending = joinRects(next).filter((w) => !read.some((o) => inside(w, o)));
    widenedCount += pending.length;
  }
  // A cut piece covered by a line found in a wider read gives way to it; one nothing else covers stays (fail closed).
  const kept = found.filter(
    (f) => !f.cut || !found.some((g) => g !== f && !g.cut && intersection(g.line.box, f.line.box) >= 0.5 * boxArea(f.line.box)),
  );
  return { lines: dedupeLines(kept.map((f) => f.line)), read, widened: widenedCount };
}

/** Readings kept per line (a line read again and again on noise must not grow without bound). */
const MAX_ALTERNATIVES = 16;

/** `host`'s other readings plus those of `line` it does not hold yet (at most MAX_ALTERNATIVES); the same array when none. */
function withReadingsOf(host: FrameTextLine, line: FrameTextLine): string[] | undefined {
  const readings = new Set([host.text, ...(host.alternatives ?? [])]);
  const extra = [line.text, ...(line.alternatives ?? [])].filter((t) => !readings.has(t));
  return extra.length ? [...(host.alternatives ?? []), ...extra].slice(0, MAX_ALTERNATIVES) : host.alternatives;
}

/** Lines at (nearly) the same place are one: the surest reading leads, the others become its alternatives. */
export function dedupeLines(lines: FrameTextLine[]): FrameTextLine[] {
  const out: FrameTextLine[] = [];
  for (const l of [...lines].sort((a, b) => b.confidence - a.confidence)) {
    const host = out.find((o) => iou(o.box, l.box) >= 0.8);
    if (!host) {
      out.push({ ...l, ...(l.alternatives ? { alternatives: [...l.alternatives] } : {}) });
      continue;
    }
    const more = withReadingsOf(host, l);
    if (more !== host.alternatives) host.alternatives = more;
  }
  return out;
}

/**
 * The lines of a frame read in part: the lines of the frame before stay where nothing changed — a line is
 * dropped only when a changed tile touches it and it lies inside a rectangle read now (the new reading
 * replaces it) — and the lines read now are added (those the old ones already hold are not repeated).
 */
export function mergeLines(old: FrameTextLine[], fresh: RegionRead, screen: TileScreen, tiles: Uint8Array): FrameTextLine[] {
  const touchesChange = (b: Rect) => {
    const a = screen.area;
    const tx0 = Math.max(0, Math.floor((b.x - a.x) / TILE));
    const tx1 = Math.min(screen.cols - 1, Math.floor((b.x + b.width - 1 - a.x) / TILE));
    const ty0 = Math.max(0, Math.floor((b.y - a.y) / TILE));
    const ty1 = Math.min(screen.rows - 1, Math.floor((b.y + b.height - 1 - a.y) / TILE));
    for (let ty = ty0; ty <= ty1; ty++) for (let tx = tx0; tx <= tx1; tx++) if (tiles[ty * screen.cols + tx]) return true;
    return false;
  };
  const untouched: FrameTextLine[] = [];
  const stale: FrameTextLine[] = [];
  for (const l of old) {
    if (!touchesChange(l.box)) untouched.push(l);
    // Changed under it but not read whole now (the wider reads found nothing there): kept, fail closed.
    else if (!fresh.read.some((r) => inside(l.box, r, EDGE))) stale.push(l);
  }
  // A line read again where nothing changed is the same line: not repeated, but a new reading of it is kept as
  // one more alternative (patient tokens are looked for in all readings).
  const tol = (l: FrameTextLine) => Math.max(3, Math.round(0.15 * l.box.height));
  const added: FrameTextLine[] = [];
  for (const n of fresh.lines) {
    const i = untouched.findIndex((s) => inside(n.box, s.box, tol(s)) && iou(n.box, s.box) >= 0.6);
    if (i < 0) {
      added.push(n);
      continue;
    }
    const host = untouched[i]!;
    const more = withReadingsOf(host, n);
    if (more !== host.alternatives) untouched[i] = { ...host, alternatives: more };
  }
  return [...untouched, ...stale, ...added];
}

/**
 * How many tiles of the screen the rectangles cover (overlap by a positive area). Per rectangle only the tiles in
 * its span are looked at, with no object per tile (this runs on every partly read sample: a rectangle per tile was
 * most of the verification's short-lived garbage).
 */
export function tilesCovered(screen: TileScreen, rects: Rect[]): number {
  const { area, cols, rows } = screen;
  const hit = new Uint8Array(cols * rows);
  let n = 0;
  for (const r of rects) {
    const tx0 = Math.max(0, Math.floor((r.x - area.x) / TILE));
    const tx1 = Math.min(cols - 1, Math.ceil((r.x + r.width - area.x) / TILE));
    const ty0 = Math.max(0, Math.floor((r.y - area.y) / TILE));
    const ty1 = Math.min(rows - 1, Math.ceil((r.y + r.height - area.y) / TILE));
    for (let ty = ty0; ty <= ty1; ty++) {
      const y = area.y + ty * TILE;
      const h = Math.min(y + Math.min(TILE, area.height - ty * TILE), r.y + r.height) - Math.max(y, r.y);
      if (!(h > 0)) continue;
      for (let tx = tx0; tx <= tx1; tx++) {
        const x = area.x + tx * TILE;
        const w = Math.min(x + Math.min(TILE, area.width - tx * TILE), r.x + r.width) - Math.max(x, r.x);
        if (!(w > 0) || hit[ty * cols + tx]) continue;
        hit[ty * cols + tx] = 1;
        n++;
      }
    }
  }
  return n;
}
