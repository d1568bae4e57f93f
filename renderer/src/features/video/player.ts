import { create } from 'zustand';
import { frameAt, timeForFrame, type Fps } from '../../lib/frames.js';

/**
 * The player's state and controls, shared with every panel of the video view (a timeline, prediction
 * lanes, …): read with `usePlayer(selector)`, drive with `playerControls`.
 */
export interface PlayerState {
  videoId: number | null;
  fps: Fps | null;
  /** Last frame index (frames count from 0). */
  lastFrame: number;
  duration: number;
  currentTime: number;
  frame: number;
  playing: boolean;
  error: string | null;
}

export const usePlayer = create<PlayerState>(() => ({
  videoId: null,
  fps: null,
  lastFrame: 0,
  duration: 0,
  currentTime: 0,
  frame: 0,
  playing: false,
  error: null,
}));

let element: HTMLVideoElement | null = null;
/**
 * Seconds from the file's start to the video stream's first frame: the element's clock runs on the file's
 * timeline, the app's times and frames on the picture's (frame 0 at 0 s), so the two differ by this offset.
 */
let streamOffset = 0;

export function setStreamOffset(seconds: number): void {
  streamOffset = Number.isFinite(seconds) && seconds > 0 ? seconds : 0;
}

export function attachVideoElement(el: HTMLVideoElement | null): void {
  element = el;
}

function clampFrame(n: number): number {
  const { lastFrame } = usePlayer.getState();
  return Math.max(0, Math.min(lastFrame, Math.round(n)));
}

/** Report the element's time to the store (called on seeked/timeupdate and per painted frame). */
export function syncTime(elementTime: number): void {
  const { fps } = usePlayer.getState();
  const t = Math.max(0, elementTime - streamOffset);
  usePlayer.setState({ currentTime: t, frame: fps ? clampFrame(frameAt(t, fps)) : 0 });
}

export const playerControls = {
  seekToFrame(n: number): void {
    const { fps } = usePlayer.getState();
    if (!element || !fps) return;
    element.pause();
    const f = clampFrame(n);
    const t = timeForFrame(f, fps);
    element.currentTime = t + streamOffset;
    usePlayer.setState({ currentTime: t, frame: f });
  },
  seekToTime(t: number): void {
    if (!element) return;
    const { fps } = usePlayer.getState();
    // Land inside the frame that shows at t, so the shown frame and the frame number agree.
    if (fps) return playerControls.seekToFrame(frameAt(Math.max(0, t), fps));
    element.currentTime = t + streamOffset;
  },
  step(delta: number): void {
    playerControls.seekToFrame(usePlayer.getState().frame + delta);
  },
  togglePlay(): void {
    if (!element) return;
    if (element.paused) {
      if (usePlayer.getState().frame >= usePlayer.getState().lastFrame) playerControls.seekToFrame(0);
      void element.play().catch(() => undefined);
    } else element.pause();
  },
  pause(): void {
    element?.pause();
  },
  /** Play forward (no-op while playing). */
  play(): void {
    if (element?.paused) playerControls.togglePlay();
  },
  /** Playback speed (1 = normal); the J/K/L shuttle and the speed menu use it. */
  setRate(rate: number): void {
    if (element) element.playbackRate = rate;
  },
  setMuted(muted: boolean): void {
    if (element) element.muted = muted;
  },
};
