import type { TimelineSegment } from '../../../../core/api/types.js';

/** Layout of the timeline canvas (CSS pixels). */
export const RULER_H = 28;
export const LANE_H = 46;
export const BAR_TOP = 4;
export const BAR_H = 22;
export const SCORE_TOP = 28;
export const SCORE_H = 15;
export const HANDLE_PX = 6;
/** Zoom limit: one frame at most this wide. */
export const MAX_FRAME_PX = 48;
/** Browsers cap element widths (~33M px); the scroll spacer stays well below. */
export const MAX_SCROLL_PX = 20_000_000;

export interface Fps {
  num: number;
  den: number;
}

/** What part of the video is shown: the time at the left edge and the scale. */
export interface View {
  start: number;
  pps: number;
  width: number;
}

export const frameToSec = (f: number, fps: Fps) => (f * fps.den) / fps.num;
export const secToX = (t: number, v: View) => (t - v.start) * v.pps;
export const xToSec = (x: number, v: View) => v.start + x / v.pps;
export const frameToX = (f: number, fps: Fps, v: View) => secToX(frameToSec(f, fps), v);
/** The frame boundary nearest to x (bounds snap to frames). */
export const xToBoundary = (x: number, fps: Fps, v: View) => Math.round((xToSec(x, v) * fps.num) / fps.den);
/** The frame under x. */
export const xToFrame = (x: number, fps: Fps, v: View) => Math.floor((xToSec(x, v) * fps.num) / fps.den + 1e-9);

export const laneTop = (i: number) => RULER_H + i * LANE_H;
export const laneAt = (y: number, lanes: number) => {
  if (y < RULER_H) return -1;
  const i = Math.floor((y - RULER_H) / LANE_H);
  return i < lanes ? i : -2;
};

export function minPps(duration: number, width: number): number {
  return duration > 0 ? Math.max(1e-6, width / duration) : 1;
}
export function maxPps(fps: Fps, duration: number): number {
  return Math.min((MAX_FRAME_PX * fps.num) / fps.den, MAX_SCROLL_PX / Math.max(duration, 1e-3));
}

/** Index of the first segment whose start is ≥ frame (segments sorted by start). */
export function lowerBound(segs: TimelineSegment[], frame: number): number {
  let lo = 0;
  let hi = segs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (segs[mid]!.startFrame < frame) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export type Hit = { seg: TimelineSegment; part: 'start' | 'end' | 'body' } | null;

/** The segment (and which part: a handle or the body) under x in one lane; selected segments' handles win. */
export function hitTest(segs: TimelineSegment[], x: number, fps: Fps, v: View, selected: number[]): Hit {
  let best: Hit = null;
  const t = xToSec(x, v);
  const slack = (HANDLE_PX + 1) / v.pps;
  const from = Math.max(0, lowerBound(segs, Math.floor(((t - slack) * fps.num) / fps.den)) - 64);
  for (let i = from; i < segs.length; i++) {
    const s = segs[i]!;
    const x0 = frameToX(s.startFrame, fps, v);
    const x1 = frameToX(s.endFrame, fps, v);
    if (x0 > x + HANDLE_PX + 1) break;
    if (x1 < x - HANDLE_PX - 1) continue;
    const wide = x1 - x0 > HANDLE_PX * 3;
    const sel = selected.includes(s.id);
    let hit: Hit = null;
    if (Math.abs(x - x0) <= HANDLE_PX && (wide || x <= (x0 + x1) / 2)) hit = { seg: s, part: 'start' };
    else if (Math.abs(x - x1) <= HANDLE_PX) hit = { seg: s, part: 'end' };
    else if (x >= x0 && x <= x1) hit = { seg: s, part: 'body' };
    if (hit && (!best || sel || hit.part !== 'body')) best = hit;
    if (best && sel) return best;
  }
  return best;
}

/** A "nice" ruler step (seconds) at least `minPx` wide, or a whole number of frames when zoomed in. */
export function rulerStep(pps: number, fps: Fps, minPx = 90): { step: number; frames: boolean } {
  const frame = fps.den / fps.num;
  for (const n of [1, 2, 5, 10, 25, 50]) if (n * frame * pps >= minPx * 1.5 && n * frame < 1) return { step: n * frame, frames: true };
  for (const s of [0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400])
    if (s * pps >= minPx) return { step: s, frames: false };
  return { step: 14400, frames: false };
}
