import { z } from 'zod';
import type { Box } from './box.js';

/** The visible endoscope image: its whole rectangle, the ellipse inscribed in it, or an octagon with cut corners. */
export const maskShapeSchema = z.enum(['circle', 'octagon', 'rectangle']);
export type MaskShape = z.infer<typeof maskShapeSchema>;

/** The fields of a rectangle in whole pixels of a frame (x/y = top-left), shared by every pixel-rect schema. */
const pixelRectShape = {
  x: z.number().int().nonnegative(),
  y: z.number().int().nonnegative(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
};

/** A rectangle in whole pixels of a frame. */
export const pixelRectSchema = z.object(pixelRectShape).strict();

/**
 * Where the endoscope image sits in a frame: its bounding rectangle (pixels of that frame, x/y = top-left) and
 * the mask shape around it. The one region type of Framewise: OCR detects and stores it, prediction crops to
 * it, anonymization plans and renders with it.
 */
export const endoscopeRegionSchema = z
  .object({
    ...pixelRectShape,
    shape: maskShapeSchema,
    /** Octagon only: the corner cut as a share of min(width, height) (default 0.2). */
    cornerCut: z.number().min(0).max(0.5).optional(),
  })
  .strict();
export type EndoscopeRegion = z.infer<typeof endoscopeRegionSchema>;

/** A region as measured in a frame (detection, device profile, manual setting): the frame it refers to and how much of its rectangle is image. */
export interface MeasuredEndoscopeRegion extends EndoscopeRegion {
  /** Frame size the rectangle refers to. */
  frameWidth: number;
  frameHeight: number;
  /** Share of the rectangle covered by the image (π/4 ≈ 0.785 for a circle, 1 for a rectangle). */
  fill: number;
}

/** The region's rectangle alone. */
export function regionBox(r: EndoscopeRegion): Box {
  return { x: r.x, y: r.y, width: r.width, height: r.height };
}

/** Shape names of regions stored before the one region vocabulary above. */
const OLD_SHAPES: Record<string, string> = { rect: 'rectangle', round: 'circle', octagon: 'octagon' };

/**
 * Plans, job inputs and text-scan keys stored before the one region type described the region as
 * `{ rect: {x, y, width, height}, shape: 'rect' | 'round' | 'octagon', cornerCut? }`: read them as today's
 * flat `EndoscopeRegion` (shapes `rectangle` | `circle` | `octagon`). Anything else is left as it is.
 */
export function upgradeEndoscopeRegion(v: unknown): unknown {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || !('rect' in v) || 'x' in v) return v;
  const { rect, shape, ...rest } = v as { rect: unknown; shape?: unknown } & Record<string, unknown>;
  if (typeof rect !== 'object' || rect === null) return v;
  return { ...(rect as Record<string, unknown>), shape: typeof shape === 'string' ? (OLD_SHAPES[shape] ?? shape) : shape, ...rest };
}
