import { frameToTime, timeToFrame } from '../../../core/util/fraction.js';

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
