import { useEffect } from 'react';
import { i18n } from '../../i18n/index.js';
import { notify } from '../../state/store.js';
import { playerControls, usePlayer } from '../video/player.js';
import { deleteSelected, mergeSelected, redo, relabelSelected, splitSelected, undo, validateSelected } from './actions.js';
import type { Fps } from './geometry.js';
import { edit, inTurn, reviewActions, select, selectedSegments, useReview } from './reviewStore.js';

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  return el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable;
}

/**
 * Where the review keys apply: the timeline (canvas and its toolbar), the player's picture, or nothing focused.
 * Elsewhere (header buttons, side panels, dialogs) letters and Enter do what they normally do, and Tab always
 * moves focus.
 */
function inReviewSurface(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || el === document.body) return true;
  return !!el.closest('[data-testid=timeline]') || el.classList.contains('player-stage');
}

/** J/K/L shuttle: L plays forward (again: faster), J runs backwards by seeking (browsers do not play in reverse), K stops. */
const shuttle = { rate: 0, timer: 0 as ReturnType<typeof setInterval> | 0 };
function stopShuttle(): void {
  if (shuttle.timer) clearInterval(shuttle.timer);
  shuttle.timer = 0;
  shuttle.rate = 0;
  playerControls.setRate(1);
  playerControls.pause();
}
function shuttleBy(dir: 1 | -1, fps: Fps): void {
  const next = Math.sign(shuttle.rate) === dir ? Math.min(8, Math.abs(shuttle.rate) * 2) * dir : dir;
  stopShuttle();
  shuttle.rate = next;
  if (dir > 0) {
    playerControls.setRate(next);
    playerControls.play();
  } else {
    const stepMs = 100;
    const frames = Math.max(1, Math.round(((Math.abs(next) * fps.num) / fps.den) * (stepMs / 1000)));
    shuttle.timer = setInterval(() => {
      const f = usePlayer.getState().frame;
      if (f <= 0) return stopShuttle();
      playerControls.seekToFrame(f - frames);
    }, stepMs);
  }
}

/** The next / previous segment in time (all lanes), from the selection or the playhead. */
function selectNeighbour(dir: 1 | -1): void {
  const r = useReview.getState();
  const frame = usePlayer.getState().frame;
  const all = [...r.segments.values()].sort(
    (a, b) => a.startFrame - b.startFrame || r.lanes.indexOf(a.label) - r.lanes.indexOf(b.label) || a.id - b.id,
  );
  if (!all.length) return;
  const [cur] = selectedSegments();
  let i: number;
  if (cur) {
    const at = all.findIndex((s) => s.id === cur.id);
    i = dir < 0 ? Math.max(0, at - 1) : Math.min(all.length - 1, at + 1);
  } else {
    i = dir < 0 ? all.findLastIndex((s) => s.startFrame < frame) : all.findIndex((s) => s.startFrame >= frame);
    if (i < 0) i = dir < 0 ? 0 : all.length - 1;
  }
  const next = all[i]!;
  select([next.id]);
  playerControls.seekToFrame(next.startFrame);
}

/**
 * The review shortcuts (the player itself handles Space, ←/→, Shift+←/→, Home/End); the list is in the
 * review catalogue's `shortcuts`. They act only on the review surface (see inReviewSurface); `[` and `]`
 * (next / previous segment) only while the timeline itself has focus. Tab is never taken.
 */
export function useReviewKeys(opts: { fps: Fps; frameCount: number; zoomAt: (factor: number) => void; fit: () => void }): void {
  const { fps, frameCount, zoomAt, fit } = opts;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      // `?` shows every shortcut from anywhere on the video page (the lanes below the timeline too).
      if (e.key === '?' && !isTyping(e.target) && !useReview.getState().helpOpen && !document.querySelector('[role="dialog"]')) {
        e.preventDefault();
        reviewActions.toggleHelp(true);
        return;
      }
      if (isTyping(e.target) || !inReviewSurface(e.target)) return;
      const r = useReview.getState();
      if (r.helpOpen) return; // the dialog handles Escape
      if (document.querySelector('[role="dialog"]')) return;
      if (!r.state) return;
      const ctrl = e.ctrlKey || e.metaKey;
      const key = e.key;
      const frame = usePlayer.getState().frame;
      const run = (fn: () => unknown) => {
        e.preventDefault();
        void fn();
      };
      if (ctrl && (key === 'z' || key === 'Z')) return run(e.shiftKey ? redo : undo);
      if (ctrl && (key === 'y' || key === 'Y')) return run(redo);
      if (ctrl || e.altKey || key === 'Tab') return;
      const onTimeline = !!(e.target as HTMLElement | null)?.closest?.('[data-testid=timeline]');
      if (key === '?') return run(() => reviewActions.toggleHelp(true));
      if (key === 'j' || key === 'J') return run(() => shuttleBy(-1, fps));
      if (key === 'l' || key === 'L') return run(() => shuttleBy(1, fps));
      if (key === 'k' || key === 'K') return run(stopShuttle);
      if (key === ' ' && shuttle.timer) return run(stopShuttle);
      if (key === '+' || key === '=') return run(() => zoomAt(1.6));
      if (key === '-' || key === '_') return run(() => zoomAt(1 / 1.6));
      if (key === '0') return run(fit);
      // Keys that read or change the selection wait for the commands before them (inTurn): pressed before an
      // answer arrived, they act on its result.
      if (key === 'Escape') return run(() => inTurn(() => select([])));
      if ((key === ']' || key === '[') && onTimeline) return run(() => inTurn(() => selectNeighbour(key === ']' ? 1 : -1)));
      if (/^[1-9]$/.test(key)) {
        const label = r.lanes[Number(key) - 1];
        if (!label) return;
        return run(() => relabelSelected(label));
      }
      if (key === 'i' || key === 'I')
        return run(() =>
          inTurn(async () => {
            reviewActions.setMarkIn(frame);
            const [s] = selectedSegments();
            if (s && frame < s.endFrame && frame !== s.startFrame) await edit('segments.update', { id: s.id, startFrame: frame });
          }),
        );
      if (key === 'o' || key === 'O')
        return run(() =>
          inTurn(async () => {
            reviewActions.setMarkOut(frame);
            const [s] = selectedSegments();
            const end = Math.min(frameCount, frame + 1);
            if (s && end > s.startFrame && end !== s.endFrame) await edit('segments.update', { id: s.id, endFrame: end });
          }),
        );
      if (key === 'n' || key === 'N')
        return run(() =>
          inTurn(async () => {
            const { markIn, markOut, currentLabel, lanes } = useReview.getState();
            const label = currentLabel ?? lanes[0];
            if (markIn === null || markOut === null || !label) return notify(i18n.t('review:needMarks'));
            const start = Math.min(markIn, markOut);
            const end = Math.min(frameCount, Math.max(markIn, markOut) + 1);
            const c = await edit('segments.add', { label, startFrame: start, endFrame: end });
            if (c?.entry?.after[0]) select([c.entry.after[0].id]);
          }),
        );
      if (key === 'Delete' || key === 'Backspace') return run(deleteSelected);
      if (key === 'Enter') {
        if ((e.target as HTMLElement | null)?.tagName === 'BUTTON') return;
        return run(() => validateSelected(!e.shiftKey));
      }
      if (key === 's' || key === 'S') return run(splitSelected);
      if (key === 'm' || key === 'M') return run(mergeSelected);
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
      stopShuttle();
    };
  }, [fps, frameCount, zoomAt, fit]);
}
