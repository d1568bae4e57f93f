import { useEffect, useState } from 'react';
import { create } from 'zustand';

/**
 * The video view's first paint goes to the timeline: the other panels (side column, other lanes, header actions)
 * mount once the timeline has drawn this video, so their requests (clips, similar, patient, exports, jobs, …) do
 * not queue in front of `review.state` in the core, and mounting them does not delay the first draw. Profiled in
 * the review bench: ten panel requests sent within 20 ms of the timeline's kept the core busy while the renderer
 * waited for its one answer.
 */
const useFirstDraw = create<{ videoId: number | null }>(() => ({ videoId: null }));

/** Called by the timeline after its first draw of a video (and when it cannot load it, so nothing waits for it). */
export function markTimelineDrawn(videoId: number): void {
  if (useFirstDraw.getState().videoId !== videoId) useFirstDraw.setState({ videoId });
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
