import { useRef, useState, type PointerEvent } from 'react';

export type Rect = { x: number; y: number; width: number; height: number };

/**
 * Drawing a rectangle on a frame with the pointer, in the video's pixels: the SVG over the frame has a viewBox
 * of the video's size. `onDrawn` gets rectangles of at least 4×4 px (a click draws nothing).
 */
export function useRectDraw(width: number, height: number, onDrawn: (r: Rect) => void) {
  const svg = useRef<SVGSVGElement>(null);
  const [draft, setDraft] = useState<{ x0: number; y0: number; r: Rect } | null>(null);
  const toVideo = (e: PointerEvent): { x: number; y: number } => {
    const b = svg.current!.getBoundingClientRect();
    return {
      x: Math.max(0, Math.min(width, ((e.clientX - b.left) / b.width) * width)),
      y: Math.max(0, Math.min(height, ((e.clientY - b.top) / b.height) * height)),
    };
  };
  const down = (e: PointerEvent<SVGSVGElement>) => {
    e.currentTarget.setPointerCapture(e.pointerId);
    const p = toVideo(e);
    setDraft({ x0: p.x, y0: p.y, r: { x: p.x, y: p.y, width: 0, height: 0 } });
  };
  const move = (e: PointerEvent<SVGSVGElement>) => {
    if (!draft) return;
    const p = toVideo(e);
    setDraft({
      ...draft,
      r: { x: Math.min(draft.x0, p.x), y: Math.min(draft.y0, p.y), width: Math.abs(p.x - draft.x0), height: Math.abs(p.y - draft.y0) },
    });
  };
  const up = () => {
    if (draft && draft.r.width >= 4 && draft.r.height >= 4) onDrawn(rounded(draft.r));
    setDraft(null);
  };
  return { svg, draft: draft?.r ?? null, handlers: { onPointerDown: down, onPointerMove: move, onPointerUp: up } };
}

/** Whole pixels. */
export function rounded(r: Rect): Rect {
  return { x: Math.round(r.x), y: Math.round(r.y), width: Math.round(r.width), height: Math.round(r.height) };
}
