import type { TimelineSegment } from '../../../../core/api/types.js';
import { formatTimecode } from '../../lib/format.js';
import { i18n } from '../../i18n/index.js';
import { playerControls } from '../video/player.js';
import type { DrawModel } from './draw.js';
import { frameToSec, hitTest, laneAt, xToBoundary, xToFrame, type Fps, type View } from './geometry.js';
import { edit, inTurn, reviewActions, select, useReview } from './reviewStore.js';

/**
 * The timeline's pointer state machine: idle → (press on the ruler) scrub | (press on a bar's edge or body)
 * start/end/move | (press on an empty lane) draw → release commits one edit (or selects, for a click without
 * movement). Pointer-speed state lives here, not in React; the host draws and shows tips.
 */
export type Drag =
  | { kind: 'start' | 'end' | 'move'; seg: TimelineSegment; lane: string; x0: number; b0: number; moved: boolean; shift: boolean }
  | { kind: 'draw'; lane: string; x0: number; b0: number; moved: boolean }
  | { kind: 'scrub' };

export interface PointerHost {
  view(): View;
  fps(): Fps;
  frameCount(): number;
  /** Canvas-local coordinates of a pointer event. */
  local(e: { clientX: number; clientY: number }): { x: number; y: number };
  setCursor(cursor: string): void;
  showTip(text: string | null, x?: number, y?: number): void;
  showPreview(x: number | null): void;
  setDraft(d: DrawModel['draft']): void;
  draft(): DrawModel['draft'];
  drawNow(): void;
  redraw(): void;
  focus(): void;
}

const MIN_MOVE_PX = 3;

/** "Start 0:00:01.200 · frame 30" (times are frame start times). */
function boundaryText(which: string, f: number, fps: Fps): string {
  return `${which} ${formatTimecode(frameToSec(f, fps))} · ${i18n.t('review:frame')} ${f}`;
}

/** "tool · 0:00:01.280 – 0:00:02.200 (frames 32–54)": the last frame, not the exclusive end. */
export function segmentTip(sg: TimelineSegment): string {
  let text = i18n.t('predict:segmentTooltip', {
    label: sg.label,
    start: formatTimecode(sg.start),
    end: formatTimecode(sg.end),
    first: sg.startFrame,
    last: sg.endFrame - 1,
  });
  if (sg.meanScore !== null)
    text += ` · ${i18n.t('predict:segmentScores', { mean: sg.meanScore.toFixed(2), max: (sg.maxScore ?? 0).toFixed(2) })}`;
  if (sg.source === 'reviewer') text += ` · ${i18n.t('predict:segmentReviewer')}`;
  return text;
}

export function createPointerMachine(host: PointerHost) {
  let drag: Drag | null = null;
  const lanesNow = () => useReview.getState().lanes;
  const segsOf = (lane: string) => useReview.getState().byLane.get(lane) ?? [];

  return {
    dragging: () => drag !== null,

    down(e: { button: number; clientX: number; clientY: number; shiftKey: boolean }): boolean {
      if (e.button !== 0 || !useReview.getState().state) return false;
      const { x, y } = host.local(e);
      const v = host.view();
      const fps = host.fps();
      const li = laneAt(y, lanesNow().length);
      host.focus();
      if (li === -1) {
        drag = { kind: 'scrub' };
        playerControls.seekToFrame(xToFrame(x, fps, v));
        return true;
      }
      if (li < 0) return false;
      const lane = lanesNow()[li]!;
      const hit = hitTest(segsOf(lane), x, fps, v, useReview.getState().selected);
      const b0 = xToBoundary(x, fps, v);
      if (hit) {
        drag = { kind: hit.part === 'body' ? 'move' : hit.part, seg: hit.seg, lane, x0: x, b0, moved: false, shift: e.shiftKey };
        performance.clearMeasures('timeline-drag-frame');
      } else {
        drag = { kind: 'draw', lane, x0: x, b0, moved: false };
        reviewActions.setLabel(lane);
      }
      return true;
    },

    move(e: { clientX: number; clientY: number }): void {
      if (!useReview.getState().state) return;
      const { x, y } = host.local(e);
      const v = host.view();
      const fps = host.fps();
      const d = drag;
      if (!d) {
        const lanes = lanesNow();
        const li = laneAt(y, lanes.length);
        const hit = li >= 0 ? hitTest(segsOf(lanes[li]!), x, fps, v, useReview.getState().selected) : null;
        host.setCursor(hit ? (hit.part === 'body' ? 'grab' : 'ew-resize') : li === -1 ? 'pointer' : li >= 0 ? 'crosshair' : 'default');
        host.showPreview(x);
        host.showTip(hit ? segmentTip(hit.seg) : null, x, y);
        return;
      }
      host.showPreview(null);
      if (d.kind === 'scrub') {
        playerControls.seekToFrame(xToFrame(x, fps, v));
        return;
      }
      if (!d.moved && Math.abs(x - d.x0) < MIN_MOVE_PX) return;
      d.moved = true;
      const frameCount = host.frameCount();
      const b = Math.max(0, Math.min(frameCount, xToBoundary(x, fps, v)));
      const start = i18n.t('review:dragStart');
      const end = i18n.t('review:dragEnd');
      if (d.kind === 'draw') {
        const s = Math.min(d.b0, b);
        const en = Math.max(s + 1, Math.max(d.b0, b));
        host.setDraft({ id: null, label: d.lane, startFrame: s, endFrame: en });
        host.showTip(`${boundaryText(start, s, fps)} — ${boundaryText(end, en - 1, fps)}`, x, y);
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
        host.setDraft({ id: seg.id, label: seg.label, startFrame, endFrame });
        host.showTip(d.kind === 'end' ? boundaryText(end, endFrame - 1, fps) : boundaryText(start, startFrame, fps), x, y);
      }
      // Draw this frame right away (measured as a drag frame) rather than waiting for the next animation frame.
      host.drawNow();
    },

    up(e: { clientX: number; clientY: number }): void {
      const d = drag;
      const draft = host.draft();
      drag = null;
      host.showTip(null);
      if (!d || d.kind === 'scrub') return;
      if (!d.moved) {
        host.setDraft(null);
        if (d.kind === 'draw') {
          select([]);
          playerControls.seekToFrame(xToFrame(host.local(e).x, host.fps(), host.view()));
        } else {
          const cur = useReview.getState().selected;
          select(d.shift ? (cur.includes(d.seg.id) ? cur.filter((i) => i !== d.seg.id) : [...cur, d.seg.id]) : [d.seg.id]);
        }
        host.redraw();
        return;
      }
      if (!draft) return;
      // In turn with the other commands (a key pressed right after the drop acts on the dropped segment).
      void inTurn(async () => {
        if (d.kind === 'draw') {
          const c = await edit('segments.add', { label: d.lane, startFrame: draft.startFrame, endFrame: draft.endFrame });
          if (c?.entry?.after[0]) select([c.entry.after[0].id]);
        } else if (draft.startFrame !== d.seg.startFrame || draft.endFrame !== d.seg.endFrame) {
          const c = await edit('segments.update', { id: d.seg.id, startFrame: draft.startFrame, endFrame: draft.endFrame });
          if (c?.entry?.after[0]) select([c.entry.after[0].id]);
        }
        host.setDraft(null);
        host.redraw();
      });
    },

    cancel(): void {
      drag = null;
      host.setDraft(null);
      host.showTip(null);
      host.redraw();
    },
  };
}
