/**
 * What prediction takes from the capabilities below it (the endoscope region from OCR) and what it offers
 * anonymization (its segments).
 */
import { getEndoscopeRegion } from '../ocr/store.js';
import { slot, type Services } from '../services.js';
import { getSegments } from '../segments/store.js';
import type { Segment } from '../segments/types.js';

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

/** The endoscope region found (or set) by the OCR capability, in the display pixels OCR worked at. */
const ocrRegion: RoiResolver = async (services, videoId) => {
  const r = await getEndoscopeRegion(services.db.reader, videoId);
  return r ? { x: r.x, y: r.y, width: r.width, height: r.height, frameWidth: r.frameWidth, frameHeight: r.frameHeight } : null;
};

/** Where models with `crop: "roi"` get the endoscope region when the request names none: OCR's, unless replaced. */
const roiResolverSlot = slot<RoiResolver | null>('predict.roi', () => ocrRegion);

/** Replace where this library's prediction gets the region (null: nowhere; undefined: OCR's again). */
export function registerRoiResolver(services: Pick<Services, 'provide'>, resolver: RoiResolver | null | undefined): void {
  services.provide(roiResolverSlot, resolver);
}

/** The region for a video in its display pixels (even sizes, inside the frame), or null when unknown. */
export async function resolveRoi(
  services: Services,
  videoId: number,
  display: { width: number; height: number },
): Promise<{ x: number; y: number; width: number; height: number } | null> {
  const resolver = services.use(roiResolverSlot);
  const r = resolver ? await resolver(services, videoId) : null;
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
 * (`segments: [{ startFrame, endFrame, label, validated }]`, half-open frame ranges); used by `anonymize/providers/predict.ts`.
 */
export async function predictionAnonymizationSource(
  services: Pick<Services, 'db'>,
  videoId: number,
  opts: { labels?: string[] } = {},
): Promise<{ segments: Array<Pick<Segment, 'startFrame' | 'endFrame' | 'label' | 'validated'>> }> {
  const segs = await getSegments(services.db.reader, videoId, opts.labels ? { labels: opts.labels } : {});
  return { segments: segs.map((s) => ({ startFrame: s.startFrame, endFrame: s.endFrame, label: s.label, validated: s.validated })) };
}
