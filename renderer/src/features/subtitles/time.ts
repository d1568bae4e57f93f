import type { Fps } from '../../lib/frames.js';

/**
 * Cue times are whole milliseconds; the lane works in frames. A frame boundary becomes the millisecond at or
 * just before it (floor), and a millisecond belongs to the first frame starting at or after it (ceil), so
 * `frameForMs(msForFrame(n)) === n` for every frame and a cue [msForFrame(a), msForFrame(b)) shows on frames
 * a … b−1 exactly (a frame shows a cue when start ≤ its time < end).
 */
export function msForFrame(frame: number, fps: Fps): number {
  return Math.floor((frame * 1000 * fps.den) / fps.num);
}

export function frameForMs(ms: number, fps: Fps): number {
  return Math.ceil((ms * fps.num) / (1000 * fps.den) - 1e-9);
}

/** `m:ss.mmm` for tooltips. */
export function clock(ms: number): string {
  const m = Math.floor(ms / 60000);
  const s = Math.floor(ms / 1000) % 60;
  return `${m}:${String(s).padStart(2, '0')}.${String(ms % 1000).padStart(3, '0')}`;
}
