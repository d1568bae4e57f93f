import { useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { playerControls, usePlayer } from '../video/player.js';
import { clipActions, useClips } from './clipsStore.js';
import { HoverPreview } from './HoverPreview.js';

/**
 * The Scenes lane: clips as blocks coloured by review state, cuts as handles (drag, or select with C and move by
 * keyboard), the playhead. Keys are handled while the lane has focus (so they never reach other lanes).
 */
export function ScenesLane({ videoId }: { videoId: number }) {
  const { t } = useTranslation('scenes');
  const { clips, selected, cut } = useClips();
  const frame = usePlayer((s) => s.frame);
  const lane = useRef<HTMLDivElement>(null);
  const total = clips[clips.length - 1]?.endFrame ?? 1;
  const pct = (f: number) => `${(f / total) * 100}%`;
  const drag = useRef<{ index: number; frame: number } | null>(null);
  const [hover, setHover] = useState<number | null>(null);

  const select = (i: number) => {
    const c = clips[i];
    if (!c) return;
    useClips.setState({ selected: i });
    playerControls.seekToFrame(c.startFrame);
  };

  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const step = e.shiftKey ? 10 : 1;
    const k = e.key;
    let handled = true;
    if ((e.ctrlKey || e.metaKey) && k.toLowerCase() === 'z') void (e.shiftKey ? clipActions.redo() : clipActions.undo());
    else if (k === 'ArrowLeft' || k === 'ArrowRight') {
      const d = k === 'ArrowLeft' ? -step : step;
      if (cut !== null && clips[cut]) void clipActions.moveCut(clips[cut]!.startFrame + d);
      else select(Math.max(0, Math.min(clips.length - 1, selected + (d < 0 ? -1 : 1))));
    } else if (k === 'c' || k === 'C') useClips.setState({ cut: selected >= 1 ? selected : cut });
    else if (k === 'Escape') useClips.setState({ cut: null });
    else if (k === 's' || k === 'S') void clipActions.split(frame);
    else if (k === 'm' || k === 'M') void clipActions.mergeNext();
    else if (k === 'a' || k === 'A') void clipActions.setState('approved');
    else if (k === 'x' || k === 'X') void clipActions.setState('skipped');
    else if (k === 'r' || k === 'R') void clipActions.setState('archived');
    else if (k === 'p' || k === 'P') void clipActions.setState('pending');
    else handled = false;
    if (handled) {
      e.preventDefault();
      e.stopPropagation();
    }
  };

  const frameAtPointer = (e: PointerEvent) => {
    const r = lane.current!.getBoundingClientRect();
    return Math.round(((e.clientX - r.left) / r.width) * total);
  };

  return (
    <div
      ref={lane}
      className="scenes-lane"
      tabIndex={0}
      role="group"
      aria-label={t('lane')}
      title={t('lane')}
      onKeyDown={onKey}
      data-testid="scenes-lane"
      onPointerMove={(e) => {
        const f = frameAtPointer(e);
        if (drag.current) drag.current.frame = f;
        setHover(drag.current ? null : f);
      }}
      onPointerLeave={() => setHover(null)}
      onPointerUp={() => {
        const d = drag.current;
        drag.current = null;
        if (d && clips[d.index] && d.frame !== clips[d.index]!.startFrame) void clipActions.moveCut(d.frame);
      }}
    >
      {clips.map((c, i) => (
        <div
          key={c.id}
          className={`scene-block scene-${c.state} ${i === selected ? 'scene-selected' : ''}`}
          style={{ left: pct(c.startFrame), width: pct(c.endFrame - c.startFrame) }}
          onClick={() => select(i)}
          data-testid={`scene-block-${c.n}`}
          data-state={c.state}
          data-start={c.startFrame}
        />
      ))}
      {clips.slice(1).map((c, k) => (
        <div
          key={`cut-${c.id}`}
          className={`scene-cut ${cut === k + 1 ? 'scene-cut-selected' : ''}`}
          style={{ left: pct(c.startFrame) }}
          data-testid={`scene-cut-${k + 1}`}
          data-frame={c.startFrame}
          onPointerDown={(e) => {
            e.stopPropagation();
            (e.target as HTMLElement).setPointerCapture?.(e.pointerId);
            useClips.setState({ cut: k + 1, selected: k + 1 });
            drag.current = { index: k + 1, frame: c.startFrame };
          }}
        />
      ))}
      <div className="scene-playhead" style={{ left: pct(frame) }} />
      {hover !== null &&
        (() => {
          const c = clips.find((x) => hover >= x.startFrame && hover < x.endFrame);
          return c ? (
            <HoverPreview
              videoId={videoId}
              clip={c}
              seconds={c.start + ((hover - c.startFrame) * (c.end - c.start)) / (c.endFrame - c.startFrame)}
              leftPct={(hover / total) * 100}
            />
          ) : null;
        })()}
    </div>
  );
}
