import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReviewState, VideoDetail } from '../../../../core/api/types.js';
import { formatTimecode } from '../../lib/format.js';
import { client } from '../../state/client.js';
import { markTimelineDrawn } from '../video/firstDraw.js';
import { playerControls, usePlayer } from '../video/player.js';
import { drawTimeline, type DrawModel } from './draw.js';
import {
  LANE_H,
  RULER_H,
  frameToSec,
  frameToX,
  hitTest,
  laneAt,
  maxPps,
  minPps,
  xToFrame,
  xToSec,
  type Fps,
  type View,
} from './geometry.js';
import { HelpOverlay } from './HelpOverlay.js';
import { HistoryList } from './HistoryList.js';
import { useReviewKeys } from './keys.js';
import { useTimelineWidth } from './useTimelineWidth.js';
import { LaneHeads } from './LaneHeads.js';
import { createPointerMachine } from './pointer.js';
import { PredictionInfo } from './PredictionInfo.js';
import { loadReview, onCoreEvent, onDataChanged, reviewActions, useReview } from './reviewStore.js';
import { SelectionEditor } from './SelectionEditor.js';
import { TimelineToolbar } from './TimelineToolbar.js';
import './review.css';

/** The timeline view model that is not React state (changes at pointer speed). */
interface Live {
  view: View;
  draft: DrawModel['draft'];
  follow: boolean;
}

declare global {
  interface Window {
    /** Automation hook (browser tests, scripts): geometry of the timeline. */
    __fwTimeline?: {
      frameToClientX(frame: number): number;
      laneCenterY(label: string): number;
      view(): View;
      setView(start: number, pps: number): void;
    };
  }
}

/**
 * The segment timeline of one video: a canvas with one lane per label (drawn by draw.ts), its view (scroll and
 * zoom), the pointer state machine (pointer.ts), the toolbar, lane heads, selection editor and history.
 */
export function Timeline({ video }: { video: VideoDetail }) {
  const { t } = useTranslation('review');
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const tipRef = useRef<HTMLDivElement>(null);
  const previewRef = useRef<HTMLDivElement>(null);
  const live = useRef<Live>({ view: { start: 0, pps: 1, width: 800 }, draft: null, follow: true });
  const raf = useRef(0);
  /** The scroller's scrollLeft as last set or scrolled: reading it from the element would force a layout. */
  const scrollLeft = useRef(0);
  const pointer = useRef<ReturnType<typeof createPointerMachine> | null>(null);
  /** The data and width of the last draw (the effect below skips a redraw the first draw already did). */
  const drawn = useRef<{ state: ReviewState; width: number } | null>(null);
  const [, setZoomTick] = useState(0);
  const state = useReview((s) => s.state);
  const lanes = useReview((s) => s.lanes);
  const selected = useReview((s) => s.selected);
  const helpOpen = useReview((s) => s.helpOpen);
  const loadError = useReview((s) => s.error);
  const loading = useReview((s) => s.loading);
  const scores = useReview((s) => s.scores);

  const stateFps = state?.fps;
  const fps: Fps = useMemo(
    () => stateFps ?? (video.fps ? { num: video.fps.num, den: video.fps.den } : { num: 25, den: 1 }),
    [stateFps, video.fps],
  );
  const duration = state?.duration ?? video.duration;
  const frameCount = state?.frameCount ?? video.frameCount ?? Math.round((duration * fps.num) / fps.den);

  useEffect(() => {
    void loadReview(video.id);
    const off = client().subscribe((e) => {
      onCoreEvent(e);
      onDataChanged(e);
      if (e.type === 'data.changed' && e.videoId === video.id && (e.topic === 'sprites' || e.topic === 'segments-reload'))
        void loadReview(video.id);
    });
    return off;
  }, [video.id]);

  /** Draw now (synchronously), measuring it. */
  const drawNow = useCallback((measure: 'timeline-draw' | 'timeline-drag-frame' = 'timeline-draw') => {
    const canvas = canvasRef.current;
    const s = useReview.getState();
    if (!canvas || !s.state) return;
    // This draw shows everything a scheduled one would have (it reads the same stores): drop that one.
    if (raf.current) cancelAnimationFrame(raf.current);
    raf.current = 0;
    const v = live.current.view;
    drawn.current = { state: s.state, width: v.width };
    const dpr = window.devicePixelRatio || 1;
    const height = RULER_H + Math.max(1, s.lanes.length) * LANE_H;
    if (canvas.width !== Math.round(v.width * dpr) || canvas.height !== Math.round(height * dpr)) {
      canvas.width = Math.round(v.width * dpr);
      canvas.height = Math.round(height * dpr);
      canvas.style.width = `${v.width}px`;
      canvas.style.height = `${height}px`;
    }
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    performance.mark(`${measure}-start`);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    drawTimeline(
      ctx,
      {
        fps: s.state.fps,
        duration: s.state.duration,
        frameCount: s.state.frameCount,
        lanes: s.lanes,
        byLane: s.byLane,
        selected: s.selected,
        scores: s.scores,
        playheadFrame: usePlayer.getState().frame,
        markIn: s.markIn,
        markOut: s.markOut,
        draft: live.current.draft,
      },
      v,
      height,
    );
    performance.mark(`${measure}-end`);
    if (performance.getEntriesByName(measure).length > 2000) performance.clearMeasures(measure);
    performance.measure(measure, `${measure}-start`, `${measure}-end`);
    if (performance.getEntriesByName('timeline-data').length && !performance.getEntriesByName('timeline-render').length) {
      // The width drawn at rides along, so a test can tell the first draw was at the timeline's real width.
      performance.measure('timeline-render', { start: 'timeline-load-start', end: `${measure}-end`, detail: { width: v.width } });
    }
    // The rest of the video view mounts now (firstDraw.ts).
    markTimelineDrawn(s.state.videoId);
  }, []);
  const redraw = useCallback(() => {
    if (raf.current) return;
    raf.current = requestAnimationFrame(() => {
      raf.current = 0;
      drawNow(pointer.current?.dragging() ? 'timeline-drag-frame' : 'timeline-draw');
    });
  }, [drawNow]);

  /** Set the view (clamped) and move the native scrollbar to match. */
  const setView = useCallback(
    (start: number, pps: number) => {
      const v = live.current.view;
      const lo = minPps(duration, v.width);
      const p = Math.max(lo, Math.min(maxPps(fps, duration), pps));
      const maxStart = Math.max(0, duration - v.width / p);
      live.current.view = { ...v, pps: p, start: Math.max(0, Math.min(maxStart, start)) };
      const sc = scrollRef.current;
      if (sc) {
        const spacer = sc.firstElementChild as HTMLElement | null;
        if (spacer) spacer.style.width = `${Math.max(v.width, duration * p)}px`;
        const left = live.current.view.start * p;
        if (Math.abs(scrollLeft.current - left) > 1) sc.scrollLeft = scrollLeft.current = left;
      }
      setZoomTick((n) => n + 1);
      redraw();
    },
    [duration, fps, redraw],
  );
  const fit = useCallback(() => setView(0, minPps(duration, live.current.view.width)), [duration, setView]);
  const zoomAt = useCallback(
    (factor: number, x?: number) => {
      const v = live.current.view;
      const ax =
        x ??
        (frameToX(usePlayer.getState().frame, fps, v) > 0 && frameToX(usePlayer.getState().frame, fps, v) < v.width
          ? frameToX(usePlayer.getState().frame, fps, v)
          : v.width / 2);
      const t = xToSec(ax, v);
      const pps = Math.max(minPps(duration, v.width), Math.min(maxPps(fps, duration), v.pps * factor));
      setView(t - ax / pps, pps);
    },
    [duration, fps, setView],
  );

  // Size: follow the scroller's width (read at once when it appears with the state).
  const width = useTimelineWidth(scrollRef, live, duration, setView, state !== null);

  // The first draw of a video's data happens in the commit that shows it (before that frame is painted), not in
  // the next animation frame: on a busy machine that frame came 10–200 ms later (review bench). Later changes
  // redraw once per frame (redraw).
  const firstDrawn = useRef<number | null>(null);
  useLayoutEffect(() => {
    if (!state || firstDrawn.current === state.videoId) return;
    firstDrawn.current = state.videoId;
    drawNow();
  }, [state, drawNow]);

  // Redraw on data, selection and playhead changes; keep the playhead in view while playing.
  useEffect(() => useReview.subscribe(() => redraw()), [redraw]);
  useEffect(
    () =>
      usePlayer.subscribe((p, prev) => {
        if (p.frame === prev.frame) return;
        const v = live.current.view;
        const x = frameToX(p.frame, fps, v);
        if (live.current.follow && !pointer.current?.dragging() && (x < 0 || x > v.width)) {
          setView(p.playing ? frameToSec(p.frame, fps) - (v.width * 0.1) / v.pps : frameToSec(p.frame, fps) - v.width / 2 / v.pps, v.pps);
        }
        redraw();
      }),
    [fps, redraw, setView],
  );
  useEffect(() => {
    if (drawn.current?.state === state && drawn.current.width === width) return;
    redraw();
  }, [state, width, redraw]);

  // Automation hook.
  useEffect(() => {
    window.__fwTimeline = {
      frameToClientX: (f) => (canvasRef.current?.getBoundingClientRect().left ?? 0) + frameToX(f, fps, live.current.view),
      laneCenterY: (label) => {
        const i = useReview.getState().lanes.indexOf(label);
        return (canvasRef.current?.getBoundingClientRect().top ?? 0) + RULER_H + i * LANE_H + 15;
      },
      view: () => live.current.view,
      setView: (start, pps) => setView(start, pps),
    };
    return () => {
      delete window.__fwTimeline;
    };
  }, [fps, setView]);

  const local = (e: { clientX: number; clientY: number }) => {
    const r = canvasRef.current!.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };

  const showTip = (text: string | null, x = 0, y = 0) => {
    const tip = tipRef.current;
    if (!tip) return;
    if (text === null) {
      tip.hidden = true;
      return;
    }
    tip.hidden = false;
    tip.textContent = text;
    tip.style.transform = `translate(${Math.round(x + 12)}px, ${Math.round(y - 30)}px)`;
  };

  const showPreview = (x: number | null) => {
    const el = previewRef.current;
    const sp = useReview.getState().state?.sprites;
    if (!el) return;
    if (x === null || !sp || pointer.current?.dragging()) {
      el.hidden = true;
      return;
    }
    const at = Math.max(0, Math.min(duration, xToSec(x, live.current.view)));
    const idx = Math.min(sp.count - 1, Math.floor(at / sp.interval));
    const perSheet = sp.columns * sp.rows;
    const sheet = sp.sheets[Math.floor(idx / perSheet)];
    if (sheet === undefined) {
      el.hidden = true;
      return;
    }
    const cell = idx % perSheet;
    const img = el.firstElementChild as HTMLElement;
    img.style.width = `${sp.tileWidth}px`;
    img.style.height = `${sp.tileHeight}px`;
    img.style.backgroundImage = `url("${client().mediaUrl({ kind: 'artifact', id: sheet })}")`;
    img.style.backgroundPosition = `-${(cell % sp.columns) * sp.tileWidth}px -${Math.floor(cell / sp.columns) * sp.tileHeight}px`;
    const f = xToFrame(x, fps, live.current.view);
    (el.lastElementChild as HTMLElement).textContent = `${formatTimecode(frameToSec(f, fps))} · ${t('frame')} ${f}`;
    el.hidden = false;
    el.style.transform = `translateX(${Math.round(Math.max(0, Math.min(live.current.view.width - sp.tileWidth, x - sp.tileWidth / 2)))}px)`;
  };

  // The pointer state machine reads the latest view and draws through these callbacks (stable refs).
  const hostRef = useRef({ fps, frameCount, showTip, showPreview, drawNow, redraw });
  useEffect(() => {
    hostRef.current = { fps, frameCount, showTip, showPreview, drawNow, redraw };
  });
  if (!pointer.current)
    pointer.current = createPointerMachine({
      view: () => live.current.view,
      fps: () => hostRef.current.fps,
      frameCount: () => hostRef.current.frameCount,
      local: (e) => {
        const r = canvasRef.current?.getBoundingClientRect();
        return { x: e.clientX - (r?.left ?? 0), y: e.clientY - (r?.top ?? 0) };
      },
      setCursor: (c) => {
        if (canvasRef.current) canvasRef.current.style.cursor = c;
      },
      showTip: (text, x, y) => hostRef.current.showTip(text, x, y),
      showPreview: (x) => hostRef.current.showPreview(x),
      setDraft: (d) => {
        live.current.draft = d;
      },
      draft: () => live.current.draft,
      drawNow: () => hostRef.current.drawNow('timeline-drag-frame'),
      redraw: () => hostRef.current.redraw(),
      focus: () => canvasRef.current?.focus({ preventScroll: true }),
    });

  const onWheel = useCallback(
    (e: WheelEvent) => {
      const v = live.current.view;
      if (e.ctrlKey || e.metaKey) {
        e.preventDefault();
        const r = canvasRef.current!.getBoundingClientRect();
        zoomAt(Math.exp(-e.deltaY * 0.002), e.clientX - r.left);
      } else if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
        e.preventDefault();
        setView(v.start + (e.deltaX || e.deltaY) / v.pps, v.pps);
      }
    },
    [setView, zoomAt],
  );
  useEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [onWheel]);

  useReviewKeys({ fps, frameCount, zoomAt, fit });

  useEffect(() => {
    if (loadError) markTimelineDrawn(video.id);
  }, [loadError, video.id]);

  if (loadError && !state) return <p className="error-text">{t('loadFailed', { reason: loadError })}</p>;
  if (!state) return <p className="muted">{t('loading')}</p>;

  return (
    <div
      className="timeline"
      data-testid="timeline"
      data-loading={loading ? 'true' : 'false'}
      data-score-samples={scores?.times.length ?? 0}
    >
      <PredictionInfo videoId={video.id} />
      <TimelineToolbar zoomAt={zoomAt} fit={fit} />
      <SelectionEditor fps={fps} />
      <div className="tl-body">
        <LaneHeads />
        <div
          className="tl-scroll"
          ref={scrollRef}
          onScroll={(e) => {
            const v = live.current.view;
            scrollLeft.current = e.currentTarget.scrollLeft;
            const start = scrollLeft.current / v.pps;
            if (Math.abs(start - v.start) * v.pps > 0.5) {
              live.current.view = { ...v, start };
              redraw();
            }
          }}
        >
          <div className="tl-spacer-inner" style={{ height: RULER_H + Math.max(1, lanes.length) * LANE_H }} />
          <canvas
            ref={canvasRef}
            className="tl-canvas"
            tabIndex={0}
            role="img"
            aria-label={t('canvasLabel')}
            data-testid="timeline-canvas"
            data-selected={selected.join(',')}
            onPointerDown={(e) => {
              if (pointer.current?.down(e)) (e.target as HTMLElement).setPointerCapture(e.pointerId);
            }}
            onPointerMove={(e) => pointer.current?.move(e)}
            onPointerUp={(e) => pointer.current?.up(e)}
            onPointerCancel={() => pointer.current?.cancel()}
            onPointerLeave={() => {
              showPreview(null);
              if (!pointer.current?.dragging()) showTip(null);
            }}
            onDoubleClick={(e) => {
              const { x, y } = local(e);
              const li = laneAt(y, lanes.length);
              if (li < 0) return;
              const hit = hitTest(useReview.getState().byLane.get(lanes[li]!) ?? [], x, fps, live.current.view, selected);
              if (hit) playerControls.seekToFrame(hit.seg.startFrame);
            }}
          />
          <div ref={tipRef} className="tl-tip num" hidden data-testid="tl-tip" />
          <div ref={previewRef} className="tl-preview" hidden data-testid="tl-preview">
            <div className="tl-preview-img" />
            <div className="tl-preview-time num" />
          </div>
        </div>
      </div>
      {!lanes.length && <p className="muted">{t('empty')}</p>}
      <HistoryList />
      {helpOpen && <HelpOverlay onClose={() => reviewActions.toggleHelp(false)} />}
    </div>
  );
}
