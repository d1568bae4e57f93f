import type { PredictionScores, TimelineSegment } from '../../../../core/api/types.js';
import { formatTimecode } from '../../lib/format.js';
import {
  BAR_H,
  BAR_TOP,
  LANE_H,
  RULER_H,
  SCORE_H,
  SCORE_TOP,
  frameToSec,
  frameToX,
  laneTop,
  lowerBound,
  rulerStep,
  secToX,
  type Fps,
  type View,
} from './geometry.js';

export const LANE_COLORS = ['#4f8cff', '#f2994a', '#27ae60', '#eb5757', '#9b51e0', '#56ccf2', '#f2c94c', '#bb6bd9'];
export const laneColor = (i: number) => LANE_COLORS[i % LANE_COLORS.length]!;

export interface DrawModel {
  fps: Fps;
  duration: number;
  frameCount: number;
  lanes: string[];
  byLane: Map<string, TimelineSegment[]>;
  selected: number[];
  scores: PredictionScores | null;
  playheadFrame: number;
  markIn: number | null;
  markOut: number | null;
  /** A segment being dragged (drawn instead of its stored version), or a new one being drawn. */
  draft: { id: number | null; label: string; startFrame: number; endFrame: number } | null;
}

function drawRuler(ctx: CanvasRenderingContext2D, m: DrawModel, v: View, height: number): void {
  ctx.fillStyle = '#1b1f27';
  ctx.fillRect(0, 0, v.width, RULER_H);
  const { step, frames } = rulerStep(v.pps, m.fps);
  const t0 = Math.max(0, Math.floor(v.start / step) * step);
  const t1 = Math.min(m.duration, v.start + v.width / v.pps);
  // Frame ticks when a frame is at least 6 px wide.
  const framePx = (m.fps.den / m.fps.num) * v.pps;
  ctx.strokeStyle = '#3a4150';
  ctx.lineWidth = 1;
  ctx.beginPath();
  if (framePx >= 6) {
    const f0 = Math.max(0, Math.floor((v.start * m.fps.num) / m.fps.den));
    const f1 = Math.min(m.frameCount, Math.ceil((t1 * m.fps.num) / m.fps.den));
    for (let f = f0; f <= f1; f++) {
      const x = Math.round(frameToX(f, m.fps, v)) + 0.5;
      ctx.moveTo(x, RULER_H - 5);
      ctx.lineTo(x, RULER_H);
    }
  }
  ctx.stroke();
  ctx.strokeStyle = '#6b7385';
  ctx.fillStyle = '#aab2c0';
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'top';
  ctx.beginPath();
  for (let t = t0, i = 0; t <= t1 + 1e-9 && i < 2000; t = t0 + ++i * step) {
    const x = Math.round(secToX(t, v)) + 0.5;
    ctx.moveTo(x, 12);
    ctx.lineTo(x, RULER_H);
    const frame = Math.round((t * m.fps.num) / m.fps.den);
    ctx.fillText(frames ? `${formatTimecode(t).slice(2)} · ${frame}` : formatTimecode(t).replace(/\.000$/, ''), x + 3, 2);
  }
  ctx.stroke();
  // Grid lines through the lanes at major ticks.
  ctx.strokeStyle = 'rgba(255,255,255,0.05)';
  ctx.beginPath();
  for (let t = t0, i = 0; t <= t1 + 1e-9 && i < 2000; t = t0 + ++i * step) {
    const x = Math.round(secToX(t, v)) + 0.5;
    ctx.moveTo(x, RULER_H);
    ctx.lineTo(x, height);
  }
  ctx.stroke();
}

function drawScores(ctx: CanvasRenderingContext2D, m: DrawModel, v: View, li: number, label: string): void {
  const sc = m.scores;
  if (!sc) return;
  const k = sc.labels.indexOf(label);
  if (k < 0) return;
  const ys = sc.scores[k]!;
  const times = sc.times;
  const top = laneTop(li) + SCORE_TOP;
  const tEnd = v.start + v.width / v.pps;
  // First visible sample by binary search.
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! < v.start) lo = mid + 1;
    else hi = mid;
  }
  const from = Math.max(0, lo - 1);
  ctx.fillStyle = 'rgba(255,255,255,0.03)';
  ctx.fillRect(0, top, v.width, SCORE_H);
  ctx.beginPath();
  ctx.moveTo(secToX(times[from] ?? 0, v), top + SCORE_H);
  for (let i = from; i < times.length; i++) {
    const x = secToX(times[i]!, v);
    ctx.lineTo(x, top + SCORE_H - ys[i]! * SCORE_H);
    if (times[i]! > tEnd) break;
  }
  ctx.strokeStyle = laneColor(li);
  ctx.globalAlpha = 0.9;
  ctx.lineWidth = 1;
  ctx.stroke();
  ctx.globalAlpha = 1;
  const th = sc.thresholds[label];
  if (th !== undefined) {
    ctx.setLineDash([3, 3]);
    ctx.strokeStyle = 'rgba(255,255,255,0.25)';
    ctx.beginPath();
    const y = Math.round(top + SCORE_H - th * SCORE_H) + 0.5;
    ctx.moveTo(0, y);
    ctx.lineTo(v.width, y);
    ctx.stroke();
    ctx.setLineDash([]);
  }
}

function drawBar(
  ctx: CanvasRenderingContext2D,
  m: DrawModel,
  v: View,
  li: number,
  s: { id: number | null; startFrame: number; endFrame: number; validated?: boolean; source?: string },
  mode: 'normal' | 'selected' | 'draft',
): void {
  const x0 = frameToX(s.startFrame, m.fps, v);
  const x1 = frameToX(s.endFrame, m.fps, v);
  const top = laneTop(li) + BAR_TOP;
  const w = Math.max(1, x1 - x0);
  const color = laneColor(li);
  ctx.fillStyle = color;
  ctx.globalAlpha = s.validated ? 0.95 : 0.5;
  ctx.fillRect(x0, top, w, BAR_H);
  ctx.globalAlpha = 1;
  if (s.source === 'reviewer' && w > 4) {
    ctx.fillStyle = 'rgba(255,255,255,0.65)';
    ctx.fillRect(x0, top, w, 2);
  }
  if (s.validated && w > 14) {
    ctx.strokeStyle = '#0b0d12';
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(x0 + 4, top + 11);
    ctx.lineTo(x0 + 7, top + 15);
    ctx.lineTo(x0 + 12, top + 7);
    ctx.stroke();
  }
  if (mode !== 'normal') {
    ctx.strokeStyle = mode === 'draft' ? '#ffe066' : '#ffffff';
    ctx.lineWidth = 2;
    ctx.strokeRect(x0 + 1, top + 1, w - 2 > 0 ? w - 2 : 1, BAR_H - 2);
    ctx.fillStyle = mode === 'draft' ? '#ffe066' : '#ffffff';
    ctx.fillRect(x0 - 2, top - 2, 4, BAR_H + 4);
    ctx.fillRect(x1 - 2, top - 2, 4, BAR_H + 4);
  }
}

/** Draw the whole timeline: ruler, lanes with bars and score curves, marks and playhead. Only visible parts. */
export function drawTimeline(ctx: CanvasRenderingContext2D, m: DrawModel, v: View, height: number): void {
  ctx.clearRect(0, 0, v.width, height);
  drawRuler(ctx, m, v, height);
  const fStart = Math.floor((v.start * m.fps.num) / m.fps.den);
  const fEnd = Math.ceil(((v.start + v.width / v.pps) * m.fps.num) / m.fps.den);
  const endX = secToX(m.duration, v);
  m.lanes.forEach((label, li) => {
    const top = laneTop(li);
    ctx.fillStyle = li % 2 ? '#161a21' : '#13161c';
    ctx.fillRect(0, top, Math.min(v.width, endX), LANE_H);
    drawScores(ctx, m, v, li, label);
    const segs = m.byLane.get(label) ?? [];
    // Segments are sorted by start; a long one may start far to the left, so look back a little.
    let i = Math.max(0, lowerBound(segs, fStart) - 1);
    while (i > 0 && segs[i - 1]!.endFrame > fStart && lowerBound(segs, fStart) - i < 256) i--;
    for (; i < segs.length; i++) {
      const s = segs[i]!;
      if (s.startFrame > fEnd) break;
      if (s.endFrame < fStart) continue;
      if (m.draft && m.draft.id === s.id) continue;
      drawBar(ctx, m, v, li, s, m.selected.includes(s.id) ? 'selected' : 'normal');
    }
    if (m.draft && m.draft.label === label) {
      const orig = m.draft.id !== null ? segs.find((s) => s.id === m.draft!.id) : undefined;
      drawBar(ctx, m, v, li, { ...(orig ?? {}), ...m.draft }, 'draft');
    }
  });
  const lanesBottom = laneTop(m.lanes.length);
  if (endX < v.width) {
    ctx.fillStyle = 'rgba(0,0,0,0.35)';
    ctx.fillRect(Math.max(0, endX), RULER_H, v.width, lanesBottom - RULER_H);
  }
  // In / out marks.
  for (const [f, name] of [
    [m.markIn, 'I'],
    [m.markOut === null ? null : m.markOut + 1, 'O'],
  ] as const) {
    if (f === null) continue;
    const x = Math.round(frameToX(f, m.fps, v)) + 0.5;
    ctx.strokeStyle = '#ffe066';
    ctx.setLineDash([4, 3]);
    ctx.beginPath();
    ctx.moveTo(x, 0);
    ctx.lineTo(x, lanesBottom);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = '#ffe066';
    ctx.fillText(name, x + (name === 'I' ? 3 : -10), RULER_H - 13);
  }
  // Playhead: covers the current frame.
  const px = frameToX(m.playheadFrame, m.fps, v);
  const pw = Math.max(2, frameToX(m.playheadFrame + 1, m.fps, v) - px);
  ctx.fillStyle = 'rgba(255,82,82,0.18)';
  if (pw > 3) ctx.fillRect(px, 0, pw, lanesBottom);
  ctx.fillStyle = '#ff5252';
  ctx.fillRect(Math.round(px) - 1, 0, 2, lanesBottom);
  ctx.beginPath();
  ctx.moveTo(px - 6, 0);
  ctx.lineTo(px + 6, 0);
  ctx.lineTo(px, 8);
  ctx.fill();
  void frameToSec;
}
