import type { Box, RgbImage } from '../../ocr/image.js';
import { clampBox, intersection } from '../../ocr/image.js';

/**
 * Small text the scaled-down detection does not see at all. At 1080p the reader detects on the frame scaled by 0.5:
 * a 16–18 px line is 8–9 px tall for the detector, and where its colour barely differs from the ground (peach on
 * orange, pink on magenta) the probability map is empty over it (< 0.01 — no fragment for zoom.ts to look at
 * again). Detected at full scale, in a crop around it, the same lines are found whole (recall corpus, 1080p seed 1:
 * 0.97–0.98). Detecting every frame at full scale costs 4× the detector's pixels; this cheap screen says where small
 * text may be instead: a line of glyphs is a short band (8–32 px tall) in which most rows cross several colour
 * steps every 32 px, with calmer ground above and below it — unlike a bar's edge (one step a row), a diagonal or a
 * trail of dots (a long slanted band) or a patterned texture (a large area of steps). Bands a detected box
 * already covers are text found already.
 */

/** Screen tiles: 32 px wide (about three glyphs of small text), 8 px tall (half a small line). */
const TILE_W = 32;
const TILE_H = 8;
/**
 * A colour step: the largest channel difference between the pixels 2 apart. Pink on orange differs in hue only,
 * and the video's chroma is subsampled ×2: its letters' edges differ by 16–30 over 2 px.
 */
const STEP = 16;
/** A busy row of a tile: this many pixels of it on a colour step (a stroke's two edges give 3–4). */
const ROW_STEPS = 6;
/** A tile is glyph-like when at least this many of its 4 screened rows (every other row) are busy. */
const BUSY_ROWS = 3;
/** Bands taller than this (tiles) are texture or large text (which the scaled detection sees). */
const MAX_BAND_TILES = 4;
/**
 * The screen runs when the detection scales the frame below this: 16 px text is then under 10 px for the detector
 * (1080p: 0.5). At 720p (0.75) the scaled detection finds it (recall corpus: 972/972 over three arrangements).
 */
export const SMALL_TEXT_BELOW_SCALE = 0.6;
/**
 * The full-scale detections of a reader may take at most this share of its scaled detections' pixels (counted
 * over everything it read so far). The recall corpus needs 1.6 % (1080p seed 1: 0.3 of 18.7 M detector pixels);
 * unlimited, the sweeping diagonal and the checkerboard of the bench clip, cut into pieces by partial reads, took
 * 17 % (937 crops, 5.3 M) and 29 % more verification CPU. Over the budget, a frame is read as without the screen.
 */
export const SMALL_TEXT_BUDGET = 0.05;
/** At most this many crops a frame, the largest bands first. */
export const MAX_SMALL_TEXT_CROPS = 4;

/**
 * Tiles (gw × gh) whose rows cross several colour steps, as 1 in a byte map: of `img`, or of its rectangle `region`
 * (tiles from the region's corner, exactly as if it were cropped out first).
 */
export function glyphTiles(img: RgbImage, region?: Box): { tiles: Uint8Array; gw: number; gh: number } {
  const { x: rx, y: ry, width: w, height: h } = region ?? { x: 0, y: 0, width: img.width, height: img.height };
  const data = img.data;
  const gw = Math.ceil(w / TILE_W);
  const gh = Math.ceil(h / TILE_H);
  const busyRows = new Uint8Array(gw * gh);
  // Screened rows of each tile that were not busy: with 2 of its at most 4 rows calm, a tile cannot reach BUSY_ROWS.
  const calmRows = new Uint8Array(gw * gh);
  const calmLimit = TILE_H / 2 - BUSY_ROWS + 1;
  // Every other row: a glyph band is at least 8 rows tall, and the screen costs half.
  for (let y = 0; y < h; y += 2) {
    const row = ((ry + y) * img.width + rx) * 3;
    const t0 = ((y / TILE_H) | 0) * gw;
    for (let tx = 0; tx < gw; tx++) {
      // Exact shortcuts (the result is the same as counting every pixel): a tile already too calm is not screened
      // further, and a row stops being counted once it is busy.
      if (calmRows[t0 + tx]! >= calmLimit) continue;
      let steps = 0;
      const end = Math.min(w - 1, (tx + 1) * TILE_W);
      for (let x = Math.max(1, tx * TILE_W); x < end && steps < ROW_STEPS; x++) {
        const a = row + (x - 1) * 3;
        let d = data[a]! - data[a + 6]!;
        if (d < 0) d = -d;
        let e = data[a + 1]! - data[a + 7]!;
        if (e < 0) e = -e;
        if (e > d) d = e;
        e = data[a + 2]! - data[a + 8]!;
        if (e < 0) e = -e;
        if (e > d) d = e;
        if (d >= STEP) steps++;
      }
      if (steps >= ROW_STEPS) busyRows[t0 + tx]!++;
      else calmRows[t0 + tx]!++;
    }
  }
  const tiles = new Uint8Array(gw * gh);
  for (let i = 0; i < tiles.length; i++) tiles[i] = busyRows[i]! >= BUSY_ROWS ? 1 : 0;
  return { tiles, gw, gh };
}

/**
 * Crops (image pixels — of `region` when given, as if it were cropped out) around short glyph-like bands that no
 * detected box (same pixels) covers, for a detection at full scale: at most MAX_SMALL_TEXT_CROPS, the bands with
 * the most glyph-like tiles first.
 */
export function smallTextCrops(img: RgbImage, found: readonly Box[], region?: Box): Box[] {
  const { tiles, gw, gh } = glyphTiles(img, region);
  const width = region?.width ?? img.width;
  const height = region?.height ?? img.height;
  // Text the detection found already.
  for (const b of found) {
    const x0 = Math.max(0, Math.floor(b.x / TILE_W));
    const x1 = Math.min(gw - 1, Math.floor((b.x + b.width - 1) / TILE_W));
    const y0 = Math.max(0, Math.floor(b.y / TILE_H));
    const y1 = Math.min(gh - 1, Math.floor((b.y + b.height - 1) / TILE_H));
    for (let y = y0; y <= y1; y++)
      for (let x = x0; x <= x1; x++) {
        const t = { x: x * TILE_W, y: y * TILE_H, width: TILE_W, height: TILE_H };
        if (intersection(t, b) >= 0.5 * TILE_W * TILE_H) tiles[y * gw + x] = 0;
      }
  }
  // Bands: 8-connected groups of glyph tiles.
  const seen = new Uint8Array(gw * gh);
  const stack: number[] = [];
  const bands: Array<{ x0: number; y0: number; x1: number; y1: number; n: number }> = [];
  for (let s = 0; s < tiles.length; s++) {
    if (!tiles[s] || seen[s]) continue;
    seen[s] = 1;
    stack.push(s);
    const band = { x0: gw, y0: gh, x1: -1, y1: -1, n: 0 };
    while (stack.length) {
      const p = stack.pop()!;
      const x = p % gw;
      const y = (p - x) / gw;
      band.n++;
      band.x0 = Math.min(band.x0, x);
      band.x1 = Math.max(band.x1, x);
      band.y0 = Math.min(band.y0, y);
      band.y1 = Math.max(band.y1, y);
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          const ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= gw || ny >= gh) continue;
          const q = ny * gw + nx;
          if (tiles[q] && !seen[q]) {
            seen[q] = 1;
            stack.push(q);
          }
        }
    }
    bands.push(band);
  }
  const crops: Box[] = [];
  for (const b of bands.filter((b) => b.n >= 2 && b.y1 - b.y0 < MAX_BAND_TILES).sort((a, b) => b.n - a.n)) {
    // The band's glyphs may reach into the tiles around it: a tile row above and below (ascenders, descenders), a
    // glyph to either side. A band of one or two tile rows gets a crop 32 px tall: the detector's cost is its area.
    const c = clampBox(
      {
        x: b.x0 * TILE_W - TILE_W,
        y: b.y0 * TILE_H - TILE_H,
        width: (b.x1 - b.x0 + 3) * TILE_W,
        height: (b.y1 - b.y0 + 3) * TILE_H,
      },
      width,
      height,
    );
    // The detector's input is a multiple of 32 px each way: a crop that is one is detected unscaled.
    const h32 = Math.min(height, Math.ceil(c.height / 32) * 32);
    c.y = Math.max(0, Math.min(height - h32, c.y - ((h32 - c.height) >> 1)));
    c.height = h32;
    if (c.width < 16 || c.height < 16) continue;
    if (crops.some((o) => intersection(o, c) >= 0.5 * c.width * c.height)) continue;
    crops.push(c);
    if (crops.length >= MAX_SMALL_TEXT_CROPS) break;
  }
  return crops;
}

/**
 * The context screened around a read area (frame pixels): verification reads only the parts of a frame that
 * changed, and a texture or a diagonal cut to such a part looks like a short band. Screened with this much of the
 * frame around it, it is as tall as it is (bench clip: 1020 full-scale detections of cut texture without it).
 */
const CONTEXT = { x: 2 * TILE_W, y: (MAX_BAND_TILES + 1) * TILE_H };

/**
 * smallTextCrops for `area` of `frame` (`found`: boxes in the area's pixels), screened with CONTEXT around the area;
 * crops in the area's pixels, cut to it, of bands mostly inside it.
 */
export function smallTextCropsIn(frame: RgbImage, area: Box, found: readonly Box[]): Box[] {
  // On the frame's own tile grid: a band on the same pixels is the same band, and gets the same crop, whichever read
  // proposes it (the reader recalls crops it detected before: small-text-checks.ts).
  const x0 = Math.floor((area.x - CONTEXT.x) / TILE_W) * TILE_W;
  const y0 = Math.floor((area.y - CONTEXT.y) / TILE_H) * TILE_H;
  const ctx = clampBox(
    {
      x: x0,
      y: y0,
      width: Math.ceil((area.x + area.width + CONTEXT.x) / TILE_W) * TILE_W - x0,
      height: Math.ceil((area.y + area.height + CONTEXT.y) / TILE_H) * TILE_H - y0,
    },
    frame.width,
    frame.height,
  );
  const dx = area.x - ctx.x;
  const dy = area.y - ctx.y;
  const out: Box[] = [];
  for (const c of smallTextCrops(
    frame,
    found.map((b) => ({ ...b, x: b.x + dx, y: b.y + dy })),
    ctx,
  )) {
    const k = clampBox({ x: c.x - dx, y: c.y - dy, width: c.width, height: c.height }, area.width, area.height);
    // A band mostly outside the area lies on pixels that did not change (read before).
    if (k.width >= 16 && k.height >= 16 && k.width * k.height >= 0.5 * c.width * c.height) out.push(k);
  }
  return out;
}
