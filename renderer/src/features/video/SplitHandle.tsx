import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';

const storageKey = 'framewise.playerShare';
const MIN = 0.2;
const MAX = 0.8;

function clamp(v: number): number {
  return Math.max(MIN, Math.min(MAX, v));
}

/** The player's share of the video column's height (0.2–0.8), remembered in this window's profile. */
export function usePlayerShare(): [number, (v: number) => void] {
  const [share, setShare] = useState(() => {
    const v = Number(localStorage.getItem(storageKey));
    return Number.isFinite(v) && v > 0 ? clamp(v) : 0.6;
  });
  const set = useCallback((v: number) => {
    const c = clamp(v);
    localStorage.setItem(storageKey, String(c));
    setShare(c);
  }, []);
  return [share, set];
}

/**
 * A horizontal splitter between the player and the lanes: drag it, or focus it and use ↑/↓ (Home/End for
 * the limits). ARIA separator with its value in percent.
 */
export function SplitHandle({
  container,
  share,
  onChange,
  label,
}: {
  container: RefObject<HTMLElement | null>;
  share: number;
  onChange: (v: number) => void;
  label: string;
}) {
  const dragging = useRef(false);
  useEffect(() => {
    const move = (e: PointerEvent) => {
      if (!dragging.current || !container.current) return;
      const r = container.current.getBoundingClientRect();
      onChange((e.clientY - r.top) / Math.max(1, r.height));
    };
    const up = () => {
      dragging.current = false;
      document.body.classList.remove('is-resizing');
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
    return () => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
    };
  }, [container, onChange]);
  return (
    <div
      className="split-handle"
      role="separator"
      aria-orientation="horizontal"
      aria-label={label}
      aria-valuemin={MIN * 100}
      aria-valuemax={MAX * 100}
      aria-valuenow={Math.round(share * 100)}
      tabIndex={0}
      data-testid="split-handle"
      onPointerDown={(e) => {
        e.preventDefault();
        dragging.current = true;
        document.body.classList.add('is-resizing');
      }}
      onKeyDown={(e) => {
        const step = e.shiftKey ? 0.1 : 0.03;
        if (e.key === 'ArrowUp') onChange(share - step);
        else if (e.key === 'ArrowDown') onChange(share + step);
        else if (e.key === 'Home') onChange(MIN);
        else if (e.key === 'End') onChange(MAX);
        else return;
        e.preventDefault();
        e.stopPropagation();
      }}
    />
  );
}
