/**
 * Frame ↔ time with the exact fps fraction, as the core computes them (core/util/fraction.ts: the renderer
 * imports only API types from core/, so the two one-line formulas are repeated here).
 */
const timeToFrame = (t: number, fps: Fps) => Math.max(0, Math.floor((t * fps.num) / fps.den + 1e-6));
const frameToTime = (frame: number, fps: Fps) => (frame * fps.den) / fps.num;

export interface Fps {
  num: number;
  den: number;
}

/** The frame (from 0) showing at time t: floor(t·num/den + ε) with the exact fps fraction. */
export function frameAt(t: number, fps: Fps): number {
  return timeToFrame(t, fps);
}

/** A time inside frame n (its middle), so the browser shows exactly frame n after seeking. */
export function timeForFrame(n: number, fps: Fps): number {
  return frameToTime(n + 0.5, fps);
}

export function startOfFrame(n: number, fps: Fps): number {
  return frameToTime(n, fps);
}
