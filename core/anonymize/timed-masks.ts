import { intersection, iou, unionBox } from '../util/box.js';
import type { Rect, TimedMask } from './types.js';

/**
 * Text seen in sampled frames → masks for frame ranges (pure). Sightings of the same text in consecutive
 * samples (close in place) form a track. Between two samples the text may be anywhere between its two
 * places, so that stretch is masked with the union of both boxes; before the first and after the last
 * sighting the mask reaches one sample interval further (the text may have appeared just after the sample
 * before). Every box gets a margin. Masks of a track that (nearly) stay in place are joined.
 */
export interface Sighting {
  /** Source frame number of the sample. */
  frame: number;
  box: Rect;
}

export interface MaskFromSightingsOptions {
  /** Frames between samples. */
  step: number;
  frameCount: number;
  width: number;
  height: number;
  /** Margin in pixels around every box (at least). Default: max(6, 30 % of the box height). */
  margin?: number;
  source?: TimedMask['source'];
}

function grow(r: Rect, d: number, width: number, height: number): Rect {
  const x = Math.max(0, Math.floor(r.x - d));
  const y = Math.max(0, Math.floor(r.y - d));
  return {
    x,
    y,
    width: Math.max(1, Math.min(width, Math.ceil(r.x + r.width + d)) - x),
    height: Math.max(1, Math.min(height, Math.ceil(r.y + r.height + d)) - y),
  };
}

/** Group sightings into tracks: same text in consecutive samples, moved at most about its own size. */
export function tracksOf(sightings: Sighting[], step: number): Sighting[][] {
  const sorted = [...sightings].sort((a, b) => a.frame - b.frame || a.box.y - b.box.y || a.box.x - b.box.x);
  const tracks: Sighting[][] = [];
  const open: Sighting[][] = [];
  for (const s of sorted) {
    const reach = Math.max(s.box.height * 2, 24);
    let best: Sighting[] | null = null;
    let bestOverlap = 0;
    for (const t of open) {
      const last = t[t.length - 1]!;
      if (s.frame - last.frame > step || s.frame === last.frame) continue;
      const o = intersection(grow(last.box, reach, 1e9, 1e9), s.box);
      if (o > bestOverlap) [best, bestOverlap] = [t, o];
    }
    if (best) best.push(s);
    else {
      const t = [s];
      tracks.push(t);
      open.push(t);
    }
    // Tracks that ended more than one step ago cannot continue.
    for (let i = open.length - 1; i >= 0; i--) if (s.frame - open[i]![open[i]!.length - 1]!.frame > step) open.splice(i, 1);
  }
  return tracks;
}

export function masksFromSightings(sightings: Sighting[], o: MaskFromSightingsOptions): TimedMask[] {
  const step = Math.max(1, o.step);
  const source = o.source ?? 'scan';
  const out: TimedMask[] = [];
  const pad = (r: Rect) => grow(r, o.margin ?? Math.max(6, Math.round(r.height * 0.3)), o.width, o.height);
  const clip = (start: number, end: number) => ({ startFrame: Math.max(0, start), endFrame: Math.min(o.frameCount, end) });
  for (const track of tracksOf(sightings, step)) {
    const parts: TimedMask[] = [];
    const first = track[0]!;
    const last = track[track.length - 1]!;
    parts.push({ ...clip(first.frame - step + 1, first.frame + 1), rect: pad(first.box), source });
    for (let i = 0; i + 1 < track.length; i++) {
      const a = track[i]!;
      const b = track[i + 1]!;
      parts.push({ ...clip(a.frame, b.frame + 1), rect: pad(unionBox(a.box, b.box)), source });
    }
    parts.push({ ...clip(last.frame, last.frame + step), rect: pad(last.box), source });
    // Join parts that stay (nearly) in place.
    for (const p of parts) {
      if (p.endFrame <= p.startFrame) continue;
      const prev = out[out.length - 1];
      if (prev && prev.source === source && p.startFrame <= prev.endFrame && iou(prev.rect, p.rect) >= 0.7) {
        prev.endFrame = Math.max(prev.endFrame, p.endFrame);
        prev.rect = unionBox(prev.rect, p.rect);
      } else out.push({ ...p, rect: { ...p.rect } });
    }
  }
  return out.sort((a, b) => a.startFrame - b.startFrame || a.rect.y - b.rect.y || a.rect.x - b.rect.x);
}

/** The timed masks active on a source frame. */
export function activeMasks(masks: TimedMask[], frame: number): TimedMask[] {
  return masks.filter((m) => frame >= m.startFrame && frame < m.endFrame);
}

/**
 * Sightings of text the recogniser read poorly (moving, at an edge) that continue a track of chosen ones —
 * one sample apart, close in place — are chosen too, up to `hops` samples away from a chosen one (not further:
 * texture next to text must not spread masks over the whole video).
 */
export function extendChosen(all: Sighting[], chosen: Sighting[], step: number, hops = 2): Sighting[] {
  const picked = new Set(chosen);
  let frontier = [...chosen];
  for (let hop = 0; hop < hops && frontier.length; hop++) {
    const next: Sighting[] = [];
    for (const s of all) {
      if (picked.has(s)) continue;
      const reach = Math.max(s.box.height * 2, 24);
      for (const c of frontier) {
        if (Math.abs(c.frame - s.frame) > step || c.frame === s.frame) continue;
        if (intersection(grow(c.box, reach, 1e9, 1e9), s.box) > 0) {
          next.push(s);
          break;
        }
      }
    }
    for (const s of next) picked.add(s);
    frontier = next;
  }
  return [...picked];
}
