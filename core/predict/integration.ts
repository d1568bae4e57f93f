/**
 * What other capabilities plug into prediction, and what prediction offers them. Kept free of imports from
 * those capabilities so each builds alone; wiring is one line each where they meet (see below).
 */
import type { Services } from '../services.js';
import { getSegments } from './segment-store.js';

export interface RoiRect {
  x: number;
  y: number;
  width: number;
  height: number;
  /** Frame size the rectangle refers to (display pixels); scaled to the video's display size when it differs. */
  frameWidth?: number;
  frameHeight?: number;
}

export type RoiResolver = (services: Services, videoId: number) => Promise<RoiRect | null>;

let roiResolver: RoiResolver | null = null;

/**
 * Where models with `crop: "roi"` get the endoscope region when the request names none. The OCR capability
 * wires it: `registerRoiResolver((s, id) => getEndoscopeRegion(s.db.reader, id))`.
 */
export function registerRoiResolver(resolver: RoiResolver | null): void {
  roiResolver = resolver;
}

/** The region for a video in its display pixels (even sizes, inside the frame), or null when unknown. */
export async function resolveRoi(
  services: Services,
  videoId: number,
  display: { width: number; height: number },
): Promise<{ x: number; y: number; width: number; height: number } | null> {
  const r = roiResolver ? await roiResolver(services, videoId) : null;
  if (!r) return null;
  const sx = r.frameWidth ? display.width / r.frameWidth : 1;
  const sy = r.frameHeight ? display.height / r.frameHeight : 1;
  const x = Math.max(0, Math.round(r.x * sx));
  const y = Math.max(0, Math.round(r.y * sy));
  const width = Math.min(display.width - x, Math.round(r.width * sx));
  const height = Math.min(display.height - y, Math.round(r.height * sy));
  if (width < 2 || height < 2) return null;
  return { x, y, width, height };
}

/**
 * Prediction's contribution to anonymization, in the shape of its source providers
 * (`segments: [{ start, end, label, validated }]`, half-open frame ranges). Wiring:
 * `registerSourceProvider({ name: 'prediction', load: (s, v) => predictionAnonymizationSource(s, v.id) })`.
 */
export async function predictionAnonymizationSource(
  services: Pick<Services, 'db'>,
  videoId: number,
  opts: { labels?: string[] } = {},
): Promise<{ segments: Array<{ start: number; end: number; label: string; validated: boolean }> }> {
  const segs = await getSegments(services.db.reader, videoId, opts.labels ? { labels: opts.labels } : {});
  return { segments: segs.map((s) => ({ start: s.startFrame, end: s.endFrame, label: s.label, validated: s.validated })) };
}
