import { useEffect, useState } from 'react';
import { create } from 'zustand';

/**
 * The video view's first paint goes to the timeline: the other panels (side column, other lanes, header actions)
 * mount, and the player's media starts loading, once the timeline has drawn this video, so their requests (clips,
 * similar, patient, exports, jobs, …) do not queue in front of `review.state` in the core, and mounting them does
 * not delay the first draw. Profiled in the review bench: ten panel requests sent within 20 ms of the timeline's
 * kept the core busy while the renderer waited for its one answer; the video's preload (the whole file streamed
 * through the bridge) competed with that answer for the CPU (feat/rev3, docs/benchmarks.md).
 */
const useFirstDraw = create<{ videoId: number | null }>(() => ({ videoId: null }));

let pendingFor: number | null = null;

/**
 * Called by the timeline after its first draw of a video (and when it cannot load it, so nothing waits for it).
 * The rest of the view mounts after the frame with that draw is painted: mounted at once (a store update flushed
 * before the frame ends) it held the timeline's pixels back by the whole mount.
 */
export function markTimelineDrawn(videoId: number): void {
  if (useFirstDraw.getState().videoId === videoId || pendingFor === videoId) return;
  pendingFor = videoId;
  requestAnimationFrame(() =>
    setTimeout(() => {
      if (pendingFor === videoId) pendingFor = null;
      useFirstDraw.setState({ videoId });
    }, 0),
  );
}

/** If the timeline never draws (a bug, a core that does not answer), the rest of the page still comes. */
const FALLBACK_MS = 3000;

/** True once the timeline drew `videoId` (or after the fallback delay): secondary panels may mount. */
export function useSecondaryPanelsReady(videoId: number): boolean {
  const drawn = useFirstDraw((s) => s.videoId === videoId);
  const [timedOutFor, setTimedOutFor] = useState<number | null>(null);
  useEffect(() => {
    const t = window.setTimeout(() => setTimedOutFor(videoId), FALLBACK_MS);
    return () => window.clearTimeout(t);
  }, [videoId]);
  return drawn || timedOutFor === videoId;
}
