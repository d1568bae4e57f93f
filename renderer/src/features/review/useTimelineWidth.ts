import { useLayoutEffect, useRef, useState, type MutableRefObject, type RefObject } from 'react';
import { minPps, type View } from './geometry.js';

/**
 * The timeline's width, following its scroller (`active`: the scroller is rendered, i.e. the review state is
 * in). The width is read at once when the scroller appears, so the first draw (in the same commit) is at the
 * real width, not the 800 px default followed by a second draw one frame later when the observer first reports.
 * A view that fitted the whole video keeps fitting it.
 */
export function useTimelineWidth(
  scrollRef: RefObject<HTMLDivElement | null>,
  live: MutableRefObject<{ view: View }>,
  duration: number,
  setView: (start: number, pps: number) => void,
  active: boolean,
): number {
  const [width, setWidth] = useState(800);
  const sized = useRef(false);
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const resize = () => {
      const w = Math.max(200, Math.floor(el.clientWidth));
      const v = live.current.view;
      if (sized.current && w === v.width) return;
      sized.current = true;
      setWidth(w);
      const wasFit = v.pps <= minPps(duration, v.width) * 1.0001;
      live.current.view = { ...v, width: w };
      if (wasFit) setView(0, minPps(duration, w));
      else setView(v.start, v.pps);
    };
    resize();
    const ro = new ResizeObserver(resize);
    ro.observe(el);
    return () => ro.disconnect();
  }, [scrollRef, live, duration, setView, active]);
  return width;
}
