import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { Segment, VideoDetail } from '../../../../core/api/types.js';
import { Button, IconButton } from '../../components/ui.js';
import { formatTimecode } from '../../lib/format.js';
import { client } from '../../state/client.js';
import { strings } from '../../strings.js';
import { playerControls, usePlayer } from '../video/player.js';
import { drawTimeline, laneColor, type DrawModel } from './draw.js';
import {
  LANE_H,
  RULER_H,
  frameToSec,
  frameToX,
  hitTest,
  laneAt,
  maxPps,
  minPps,
  xToBoundary,
  xToFrame,
  xToSec,
  type Fps,
  type View,
} from './geometry.js';
import { HelpOverlay } from './HelpOverlay.js';
import {
  edit,
  loadReview,
  onCoreEvent,
  onDataChanged,
  reviewActions,
  select,
  selectedSegments,
  showScoresOf,
  useReview,
} from './reviewStore.js';
import { ProgressBar } from '../../components/ui.js';
import { formatEta, formatPercent } from '../../lib/format.js';
import { useApp } from '../../state/store.js';
import { useReviewKeys } from './keys.js';
import { deleteSelected, mergeSelected, redo, relabelSelected, splitSelected, undo, validateSelected } from './actions.js';

type Drag =
  | { kind: 'start' | 'end' | 'move'; seg: Segment; lane: string; x0: number; b0: number; moved: boolean; shift: boolean }
  | { kind: 'draw'; lane: string; x0: number; b0: number; moved: boolean }
  | { kind: 'scrub' };

/** The timeline view model that is not React state (changes at pointer speed). */
interface Live {
  view: View;
  drag: Drag | null;
  draft: DrawModel['draft'];
  hover: { x: number; y: number } | null;
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

export function Timeline({ video }: { video: VideoDetail }) {
  const R = strings.review;
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const tipRef = useRef<HTMLDivElement>(null);
  const previewRef = useRef<HTMLDivElement>(null);
  const live = useRef<Live>({ view: { start: 0, pps: 1, width: 800 }, drag: null, draft: null, hover: null, follow: true });
  const raf = useRef(0);
  const [width, setWidth] = useState(800);
  const [, setZoomTick] = useState(0);
  const state = useReview((s) => s.state);
  const lanes = useReview((s) => s.lanes);
  const byLane = useReview((s) => s.byLane);
  const selected = useReview((s) => s.selected);
  const currentLabel = useReview((s) => s.currentLabel);
  const history = useReview((s) => s.history);
  const helpOpen = useReview((s) => s.helpOpen);
  const loadError = useReview((s) => s.error);
  const loading = useReview((s) => s.loading);
  const runs = useReview((s) => s.runs);
  const scores = useReview((s) => s.scores);
  const predicting = useApp((s) =>
    [...s.jobs.values()].find((j) => j.kind === 'predict' && j.videoId === video.id && (j.state === 'running' || j.state === 'queued')),
  );

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
    const v = live.current.view;
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
      performance.measure('timeline-render', 'timeline-load-start', `${measure}-end`);
    }
  }, []);
  const redraw = useCallback(() => {
    if (raf.current) return;
    raf.current = requestAnimationFrame(() => {
      raf.current = 0;
      drawNow(live.current.drag ? 'timeline-drag-frame' : 'timeline-draw');
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
        if (Math.abs(sc.scrollLeft - left) > 1) sc.scrollLeft = left;
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

  // Size: follow the container width.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const ro = new ResizeObserver(() => {
      const w = Math.max(200, Math.floor(el.clientWidth));
      setWidth(w);
      const v = live.current.view;
      const wasFit = v.pps <= minPps(duration, v.width) * 1.0001;
      live.current.view = { ...v, width: w };
      if (wasFit) setView(0, minPps(duration, w));
      else setView(v.start, v.pps);
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [duration, setView]);

  // Redraw on data, selection and playhead changes; keep the playhead in view while playing.
  useEffect(() => useReview.subscribe(() => redraw()), [redraw]);
  useEffect(
    () =>
      usePlayer.subscribe((p, prev) => {
        if (p.frame === prev.frame) return;
        const v = live.current.view;
        const x = frameToX(p.frame, fps, v);
        if (live.current.follow && !live.current.drag && (x < 0 || x > v.width)) {
          setView(p.playing ? frameToSec(p.frame, fps) - (v.width * 0.1) / v.pps : frameToSec(p.frame, fps) - v.width / 2 / v.pps, v.pps);
        }
        redraw();
      }),
    [fps, redraw, setView],
  );
  useEffect(() => {
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
  const boundaryText = (which: string, f: number) => `${which} ${formatTimecode(frameToSec(f, fps))} · ${R.frame} ${f}`;

  const showPreview = (x: number | null) => {
    const el = previewRef.current;
    const sp = useReview.getState().state?.sprites;
    if (!el) return;
    if (x === null || !sp || live.current.drag) {
      el.hidden = true;
      return;
    }
    const t = Math.max(0, Math.min(duration, xToSec(x, live.current.view)));
    const idx = Math.min(sp.count - 1, Math.floor(t / sp.interval));
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
    (el.lastElementChild as HTMLElement).textContent = `${formatTimecode(t)} · ${R.frame} ${Math.floor((t * fps.num) / fps.den)}`;
    el.hidden = false;
    el.style.transform = `translateX(${Math.round(Math.max(0, Math.min(live.current.view.width - sp.tileWidth, x - sp.tileWidth / 2)))}px)`;
  };

  const onPointerDown = (e: React.PointerEvent<HTMLCanvasElement>) => {
    if (e.button !== 0 || !state) return;
    const { x, y } = local(e);
    const v = live.current.view;
    const li = laneAt(y, lanes.length);
    (e.target as HTMLElement).setPointerCapture(e.pointerId);
    canvasRef.current?.focus({ preventScroll: true });
    if (li === -1) {
      live.current.drag = { kind: 'scrub' };
      playerControls.seekToFrame(xToFrame(x, fps, v));
      return;
    }
    if (li < 0) return;
    const lane = lanes[li]!;
    const hit = hitTest(byLane.get(lane) ?? [], x, fps, v, useReview.getState().selected);
    const b0 = xToBoundary(x, fps, v);
    if (hit) {
      live.current.drag = { kind: hit.part === 'body' ? 'move' : hit.part, seg: hit.seg, lane, x0: x, b0, moved: false, shift: e.shiftKey };
      performance.clearMeasures('timeline-drag-frame');
    } else {
      live.current.drag = { kind: 'draw', lane, x0: x, b0, moved: false };
      reviewActions.setLabel(lane);
    }
  };

  const onPointerMove = (e: React.PointerEvent<HTMLCanvasElement>) => {
    if (!state) return;
    const { x, y } = local(e);
    const v = live.current.view;
    const d = live.current.drag;
    if (!d) {
      const li = laneAt(y, lanes.length);
      const hit = li >= 0 ? hitTest(byLane.get(lanes[li]!) ?? [], x, fps, v, selected) : null;
      canvasRef.current!.style.cursor = hit
        ? hit.part === 'body'
          ? 'grab'
          : 'ew-resize'
        : li === -1
          ? 'pointer'
          : li >= 0
            ? 'crosshair'
            : 'default';
      showPreview(x);
      if (hit) {
        const sg = hit.seg;
        showTip(
          strings.predict.segmentTooltip({
            label: sg.label,
            start: formatTimecode(sg.start),
            end: formatTimecode(sg.end),
            startFrame: sg.startFrame,
            endFrame: sg.endFrame,
            mean: sg.meanScore,
            max: sg.maxScore,
            source: sg.source,
          }),
          x,
          y,
        );
      } else showTip(null);
      return;
    }
    showPreview(null);
    if (d.kind === 'scrub') {
      playerControls.seekToFrame(xToFrame(x, fps, v));
      return;
    }
    if (!d.moved && Math.abs(x - d.x0) < 3) return;
    d.moved = true;
    const b = Math.max(0, Math.min(frameCount, xToBoundary(x, fps, v)));
    if (d.kind === 'draw') {
      const s = Math.min(d.b0, b);
      const en = Math.max(d.b0, b);
      live.current.draft = { id: null, label: d.lane, startFrame: s, endFrame: Math.max(s + 1, en) };
      showTip(`${boundaryText(R.dragStart, s)} — ${boundaryText(R.dragEnd, Math.max(s + 1, en))}`, x, y);
    } else {
      const seg = d.seg;
      let startFrame = seg.startFrame;
      let endFrame = seg.endFrame;
      if (d.kind === 'start') startFrame = Math.min(seg.endFrame - 1, b);
      else if (d.kind === 'end') endFrame = Math.max(seg.startFrame + 1, b);
      else {
        const len = seg.endFrame - seg.startFrame;
        startFrame = Math.max(0, Math.min(frameCount - len, seg.startFrame + (b - d.b0)));
        endFrame = startFrame + len;
      }
      live.current.draft = { id: seg.id, label: seg.label, startFrame, endFrame };
      showTip(d.kind === 'end' ? boundaryText(R.dragEnd, endFrame) : boundaryText(R.dragStart, startFrame), x, y);
    }
    // Draw this frame right away (measured as a drag frame) rather than waiting for the next animation frame.
    drawNow('timeline-drag-frame');
  };

  const onPointerUp = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const d = live.current.drag;
    const draft = live.current.draft;
    live.current.drag = null;
    showTip(null);
    if (!d || d.kind === 'scrub') return;
    if (!d.moved) {
      live.current.draft = null;
      if (d.kind === 'draw') {
        select([]);
        playerControls.seekToFrame(xToFrame(local(e).x, fps, live.current.view));
      } else {
        const cur = useReview.getState().selected;
        select(d.shift ? (cur.includes(d.seg.id) ? cur.filter((i) => i !== d.seg.id) : [...cur, d.seg.id]) : [d.seg.id]);
      }
      redraw();
      return;
    }
    if (!draft) return;
    void (async () => {
      if (d.kind === 'draw') {
        const c = await edit('segments.add', { label: d.lane, startFrame: draft.startFrame, endFrame: draft.endFrame });
        if (c?.entry?.after[0]) select([c.entry.after[0].id]);
      } else if (draft.startFrame !== d.seg.startFrame || draft.endFrame !== d.seg.endFrame) {
        const c = await edit('segments.update', { id: d.seg.id, startFrame: draft.startFrame, endFrame: draft.endFrame });
        if (c?.entry?.after[0]) select([c.entry.after[0].id]);
      }
      live.current.draft = null;
      redraw();
    })();
  };

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

  if (loadError && !state) return <p className="error-text">{R.loadFailed(loadError)}</p>;
  if (!state) return <p className="muted">{R.loading}</p>;

  const sel = selectedSegments();
  const progress = state.progress;
  return (
    <div
      className="timeline"
      data-testid="timeline"
      data-loading={loading ? 'true' : 'false'}
      data-score-samples={scores?.times.length ?? 0}
    >
      {predicting && (
        <div className="predict-progress" data-testid="predict-progress">
          <ProgressBar value={predicting.progress} label={strings.predict.running} indeterminate={predicting.state === 'queued'} />
          <span className="hint">{strings.predict.runningText(formatPercent(predicting.progress), formatEta(predicting.etaSeconds))}</span>
        </div>
      )}
      {runs.length > 1 && (
        <div className="segmented" role="tablist" aria-label={strings.predict.modelTabs}>
          {runs.map((r) => (
            <button
              key={r.model}
              type="button"
              role="tab"
              aria-selected={r.model === scores?.model}
              className="tab"
              onClick={() => showScoresOf(r.model)}
            >
              {r.model}
            </button>
          ))}
        </div>
      )}
      {scores && <p className="hint">{strings.predict.runInfo(scores.model, scores.modelVersion, scores.samples, scores.sampleFps)}</p>}
      {!runs.length && !predicting && !lanes.length && <p className="muted">{strings.predict.none}</p>}
      <div className="tl-toolbar" role="toolbar" aria-label={R.title}>
        <IconButton icon="minus" label={R.zoomOut} onClick={() => zoomAt(1 / 1.6)} data-testid="tl-zoom-out" />
        <IconButton icon="plus" label={R.zoomIn} onClick={() => zoomAt(1.6)} data-testid="tl-zoom-in" />
        <Button size="sm" variant="ghost" onClick={fit} data-testid="tl-zoom-fit" title={R.zoomFit}>
          {R.zoomFit.replace(/ \(.*\)$/, '')}
        </Button>
        <span className="tl-sep" />
        <label className="tl-label-pick">
          <span className="readout-label">{R.label}</span>
          <select
            className="input input-sm"
            value={currentLabel ?? ''}
            onChange={(e) => {
              if (e.target.value === '\u0000new') {
                const name = window.prompt(R.newLabelPrompt)?.trim();
                if (name) {
                  useReview.setState((s) => ({
                    lanes: s.lanes.includes(name) ? s.lanes : [...s.lanes, name],
                    currentLabel: name,
                    byLane: new Map(s.byLane).set(name, s.byLane.get(name) ?? []),
                  }));
                }
                return;
              }
              void relabelSelected(e.target.value);
            }}
            data-testid="tl-label"
          >
            {lanes.map((l, i) => (
              <option key={l} value={l}>
                {i < 9 ? `${i + 1}. ` : ''}
                {l}
              </option>
            ))}
            <option value={'\u0000new'}>{R.newLabel}…</option>
          </select>
        </label>
        <span className="tl-sep" />
        <Button size="sm" onClick={() => void splitSelected()} disabled={sel.length !== 1} title={R.split} data-testid="tl-split">
          {R.split.replace(/ \(.*\)$/, '')}
        </Button>
        <Button size="sm" onClick={() => void mergeSelected()} disabled={!sel.length} title={R.merge} data-testid="tl-merge">
          {R.merge.replace(/ \(.*\)$/, '').replace(' with the next segment', '')}
        </Button>
        <Button size="sm" onClick={() => void deleteSelected()} disabled={!sel.length} title={R.delete} data-testid="tl-delete">
          {R.delete.replace(/ \(.*\)$/, '')}
        </Button>
        <Button size="sm" onClick={() => void validateSelected(true)} disabled={!sel.length} title={R.validate} data-testid="tl-validate">
          {R.validate.replace(/ \(.*\)$/, '')}
        </Button>
        <Button size="sm" onClick={() => void edit('segments.validateAll', {})} title={R.validateAll} data-testid="tl-validate-all">
          {R.validateAll}
        </Button>
        <span className="tl-sep" />
        <IconButton
          icon="undo"
          label={R.undo(state.undoOp)}
          disabled={!state.undoEntryId}
          onClick={() => void undo()}
          data-testid="tl-undo"
        />
        <IconButton
          icon="redo"
          label={R.redo(state.redoOp)}
          disabled={!state.redoEntryId}
          onClick={() => void redo()}
          data-testid="tl-redo"
        />
        <span className="tl-spacer" />
        <span className="tl-progress num" data-testid="tl-progress" data-validated={progress.validated} data-total={progress.total}>
          {R.progress(progress.validated, progress.total)}
        </span>
        <IconButton icon="help" label={R.help} onClick={() => reviewActions.toggleHelp()} data-testid="tl-help" />
      </div>
      <div className="tl-body">
        <div className="tl-heads" style={{ paddingTop: RULER_H }}>
          {lanes.map((l, i) => {
            const segs = byLane.get(l) ?? [];
            const done = segs.filter((s) => s.validated).length;
            return (
              <div
                key={l}
                className={`tl-head${l === currentLabel ? ' current' : ''}`}
                style={{ height: LANE_H }}
                data-testid="lane-head"
                data-label={l}
              >
                <span className="tl-swatch" style={{ background: laneColor(i) }} />
                <button type="button" className="tl-lane-name" onClick={() => reviewActions.setLabel(l)} title={l}>
                  {i < 9 ? <kbd>{i + 1}</kbd> : null} {l}
                </button>
                <span className="muted num tl-lane-count">
                  {done}/{segs.length}
                </span>
                <button
                  type="button"
                  className="tl-lane-validate"
                  title={R.validateLane(l)}
                  aria-label={R.validateLane(l)}
                  disabled={!segs.length || done === segs.length}
                  onClick={() => void edit('segments.validateAll', { label: l })}
                  data-testid="lane-validate"
                >
                  ✓
                </button>
              </div>
            );
          })}
        </div>
        <div
          className="tl-scroll"
          ref={scrollRef}
          onScroll={(e) => {
            const v = live.current.view;
            const start = e.currentTarget.scrollLeft / v.pps;
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
            aria-label={R.canvasLabel}
            data-testid="timeline-canvas"
            data-selected={selected.join(',')}
            onPointerDown={onPointerDown}
            onPointerMove={onPointerMove}
            onPointerUp={onPointerUp}
            onPointerCancel={() => {
              live.current.drag = null;
              live.current.draft = null;
              showTip(null);
              redraw();
            }}
            onPointerLeave={() => {
              showPreview(null);
              if (!live.current.drag) showTip(null);
            }}
            onDoubleClick={(e) => {
              const { x, y } = local(e);
              const li = laneAt(y, lanes.length);
              if (li < 0) return;
              const hit = hitTest(byLane.get(lanes[li]!) ?? [], x, fps, live.current.view, selected);
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
      {!lanes.length && <p className="muted">{R.empty}</p>}
      <HistoryList entries={history} />
      {helpOpen && <HelpOverlay onClose={() => reviewActions.toggleHelp(false)} />}
    </div>
  );
}

function HistoryList({ entries }: { entries: ReturnType<typeof useReview.getState>['history'] }) {
  const R = strings.review;
  return (
    <details className="tl-history" data-testid="tl-history">
      <summary>
        {R.history} ({entries.length})
      </summary>
      {entries.length === 0 ? (
        <p className="muted">{R.historyEmpty}</p>
      ) : (
        <ol>
          {[...entries].reverse().map((e) => (
            <li key={e.id} data-testid="history-entry" data-op={e.op}>
              <span className="num muted">#{e.id}</span> {R.historyEntry(R.ops[e.op] ?? e.op, e.who)} ·{' '}
              <span className="muted">{new Date(e.at).toLocaleTimeString()}</span>
              <span className="tl-history-change">
                {e.before.map((s) => `${s.label} ${s.startFrame}–${s.endFrame}${s.validated ? ' ✓' : ''}`).join(', ') || '—'} →{' '}
                {e.after.map((s) => `${s.label} ${s.startFrame}–${s.endFrame}${s.validated ? ' ✓' : ''}`).join(', ') || '—'}
              </span>
            </li>
          ))}
        </ol>
      )}
    </details>
  );
}
