/**
 * What every preview image of a video (thumbnail, hover sprite sheets, clip keyframes and sprites, subtitle
 * previews) must hide once OCR has run: everything outside the endoscope image (its shape: the corners of an
 * octagon or circle too) and every text box OCR found — the device overlay and text burned into the image
 * itself — plus, for the frames they cover, the time-ranged masks (text found inside the image mid-video by
 * the anonymization text scan, masks the reviewer drew on the timeline). Geometry only (stored in plain text);
 * a fingerprint of it tells a preview made with an older mask from a current one.
 *
 * Time-ranged masks belong to a capability after this one (`timed-masks`): it hands them down through a
 * `Services` slot (`registerTimedPreviewMasks`), wired when the library opens (`Capability.provides`).
 */
import { createHash } from 'node:crypto';
import { slot, type Services } from '../services.js';
import type { Box } from '../util/box.js';
import type { MeasuredEndoscopeRegion } from './endoscope.js';
import { outsideShapeBoxes } from './preview-shape.js';
import { getEndoscopeRegion, getOcrResult } from './store.js';
import { framePresentationTimes, frameShownAt } from '../ffmpeg/frame-export.js';

/** One time-ranged mask: a rectangle hidden on source frames [startFrame, endFrame). */
export interface TimedPreviewMask {
  startFrame: number;
  endFrame: number;
  rect: Box;
}

/** A video's time-ranged masks, in the frame size and frame numbering they were made in (display pixels, source frames). */
export interface TimedPreviewMasks {
  frameWidth: number;
  frameHeight: number;
  fps: { num: number; den: number };
  masks: TimedPreviewMask[];
}

/** Where previews get a video's time-ranged masks (null: the video has none). */
export type TimedMaskProvider = (services: Pick<Services, 'db'>, videoId: number) => Promise<TimedPreviewMasks | null>;

const timedMaskProviderSlot = slot<TimedMaskProvider | null>('ocr.preview.timedMasks', () => null);

/** Tell previews where this library's time-ranged masks come from (undefined: nowhere again). */
export function registerTimedPreviewMasks(services: Pick<Services, 'provide'>, provider: TimedMaskProvider | null | undefined): void {
  services.provide(timedMaskProviderSlot, provider);
}

/** Source frames [start, end) a preview may show. */
export interface FrameWindow {
  start: number;
  end: number;
}

export interface PreviewMask {
  /** The endoscope image (in its own frame size); null: none found, nothing outside it to hide. */
  region: MeasuredEndoscopeRegion | null;
  /** OCR's frame size, which `boxes` are measured in. */
  frameWidth: number;
  frameHeight: number;
  /** Every text box OCR found (inside the image or not), grown by the preview margin. */
  boxes: Box[];
  /** The time-ranged masks (null: none), applied to the frames they cover. */
  timed: TimedPreviewMasks | null;
  /** Changes whenever what is hidden changes (previews made with another fingerprint are stale). */
  fingerprint: string;
}

/**
 * The margin around a text box, in OCR frame pixels: detector boxes hug the glyphs, and a preview is scaled down
 * (160 px tiles of a 1280 px frame), so a few pixels of ascender or descender must not survive the rounding.
 */
export function previewBoxMargin(box: Box): number {
  return Math.max(6, Math.round(box.height * 0.3));
}

/**
 * The mask of a video's previews; null when neither OCR, a region nor a time-ranged mask exists yet (previews use
 * the conservative mask). Without a region (`region` null), previews keep using the conservative area.
 */
export async function previewMask(services: Pick<Services, 'db' | 'use'>, videoId: number): Promise<PreviewMask | null> {
  const db = services.db.reader;
  const provider = services.use(timedMaskProviderSlot);
  const [ocr, stored, timedAll] = await Promise.all([
    getOcrResult(db, videoId, null),
    getEndoscopeRegion(db, videoId),
    provider ? provider(services, videoId) : null,
  ]);
  const timed = timedAll?.masks.length ? timedAll : null;
  if (!ocr && !stored && !timed) return null;
  let region: MeasuredEndoscopeRegion | null = null;
  if (stored) {
    const { source: _source, updatedAt: _updated, ...geometry } = stored;
    region = geometry;
  }
  const frameWidth = ocr?.frameWidth ?? region?.frameWidth ?? timed!.frameWidth;
  const frameHeight = ocr?.frameHeight ?? region?.frameHeight ?? timed!.frameHeight;
  const boxes = (ocr?.regions ?? []).map(({ box }) => {
    const m = previewBoxMargin(box);
    const x = Math.max(0, box.x - m);
    const y = Math.max(0, box.y - m);
    return { x, y, width: Math.min(frameWidth, box.x + box.width + m) - x, height: Math.min(frameHeight, box.y + box.height + m) - y };
  });
  const m = { region, frameWidth, frameHeight, boxes, timed };
  return { ...m, fingerprint: previewFingerprintOf(m) };
}

/** The time-ranged masks showing on any frame of `window` (one frame of slack each side: seeks, timestamp rounding). */
export function timedMasksIn(timed: TimedPreviewMasks | null | undefined, window: FrameWindow): TimedPreviewMask[] {
  if (!timed) return [];
  return timed.masks.filter((m) => m.startFrame <= window.end && m.endFrame >= window.start);
}

/**
 * The frames a picture at `seconds` may show (an accurate seek lands on the first frame at or after it), numbered
 * as time-ranged masks are, from the nominal frame rate `fps`: right for a constant-frame-rate video only (see
 * `previewFrameWindowAt`).
 */
export function frameWindowAt(fps: { num: number; den: number }, seconds: number): FrameWindow {
  const exact = (seconds * fps.num) / fps.den;
  // A frame's own time (frame / fps) comes back as that frame, not as a two-frame window from rounding noise.
  const f = Math.abs(exact - Math.round(exact)) < 1e-6 ? Math.round(exact) : exact;
  return { start: Math.floor(f), end: Math.ceil(f) + 1 };
}

/**
 * The frames a preview of the video at `seconds` may show, numbered as time-ranged masks are (decoded frames in
 * presentation order: the render's `n`) — also where the video has no mask yet: previews made on demand keep
 * this window, and a mask added later makes them stale by it. A variable-frame-rate video's frame at a time comes
 * from the frames' presentation timestamps — frame index × nominal rate puts a mask on other frames than those
 * it was made for (seconds off, after a slower or faster stretch): the frame shown at `seconds` and the next (the
 * seek may land on either); timestamps are read from packets (no decoding) once per file and kept for a few files.
 */
export async function previewFrameWindowAt(
  services: Pick<Services, 'db' | 'ffmpeg'>,
  videoId: number,
  seconds: number,
): Promise<FrameWindow> {
  const video = await services.db.reader
    .selectFrom('videos')
    .select(['path', 'variable_frame_rate', 'fps_num', 'fps_den'])
    .where('id', '=', videoId)
    .executeTakeFirst();
  // The rate time-ranged masks are numbered with (timed-masks/store.ts `timedPreviewMasks`).
  const fps = { num: (video?.fps_num as number | null | undefined) ?? 25, den: (video?.fps_den as number | null | undefined) ?? 1 };
  if (!video?.variable_frame_rate) return frameWindowAt(fps, seconds);
  const key = `${video.path}\0${videoId}`;
  let times = frameTimes.get(key);
  if (!times) {
    times = framePresentationTimes(services.ffmpeg, video.path);
    times.catch(() => frameTimes.delete(key));
    if (frameTimes.size >= 8) frameTimes.delete(frameTimes.keys().next().value!);
    frameTimes.set(key, times);
  }
  const f = frameShownAt(await times, seconds);
  return { start: f, end: f + 2 };
}
const frameTimes = new Map<string, Promise<number[]>>();

/**
 * A tag for a preview's file name: the fingerprint of the static mask and of the time-ranged masks on the frames
 * it shows — a preview of frames no changed mask touches keeps its tag (and file). '' without any mask.
 */
export function previewTag(mask: PreviewMask | null, window: FrameWindow, conservative: boolean): string {
  if (!mask) return conservative ? '-m0' : '';
  const active = timedMasksIn(mask.timed, window);
  if (!active.length) return `-m${staticFingerprint(mask)}`;
  return `-m${createHash('sha256')
    .update(JSON.stringify({ s: staticFingerprint(mask), active }))
    .digest('hex')
    .slice(0, 12)}`;
}

/** The fingerprint of the region and the text boxes alone. */
function staticFingerprint(mask: PreviewMask): string {
  if (!mask.timed) return mask.fingerprint;
  return previewFingerprintOf({ ...mask, timed: null });
}

/** Without time-ranged masks the fingerprint is what it was before they existed (current previews stay current). */
function previewFingerprintOf(m: Omit<PreviewMask, 'fingerprint'>): string {
  const { region, frameWidth, frameHeight, boxes, timed } = m;
  return createHash('sha256')
    .update(JSON.stringify({ region, frameWidth, frameHeight, boxes, ...(timed ? { timed } : {}) }))
    .digest('hex')
    .slice(0, 12);
}

/** A rectangle scaled by (sx, sy), grown outward to whole pixels (nothing of it is cut off). */
export function scaledRect(r: Box, sx: number, sy: number): Box {
  const x = Math.floor(r.x * sx);
  const y = Math.floor(r.y * sy);
  return { x, y, width: Math.ceil((r.x + r.width) * sx) - x, height: Math.ceil((r.y + r.height) * sy) - y };
}

/**
 * The mask in a W×H picture of the video: the rectangle to keep (the endoscope image's bounding box, null: all)
 * and the boxes to black out — the corners of the image's shape, every text box and, when the picture shows
 * source frames `frames`, every time-ranged mask on them — grown outward to whole pixels plus one (scaling
 * blurs an edge pixel in). Without `frames` (a sheet of many times) the time-ranged masks are left to
 * `timedMaskFilters`-style per-frame drawing by the caller.
 */
export function previewMaskAt(
  m: {
    region: MeasuredEndoscopeRegion | null;
    frameWidth: number;
    frameHeight: number;
    boxes: Box[];
    timed?: TimedPreviewMasks | null;
  } | null,
  W: number,
  H: number,
  frames?: FrameWindow,
): { keep: Box | null; hide: Box[] } {
  if (!m) return { keep: null, hide: [] };
  const r = m.region;
  const sx = r ? W / r.frameWidth : 1;
  const sy = r ? H / r.frameHeight : 1;
  const keep = r ? scaledRect(r, sx, sy) : null;
  const corners = r && keep ? outsideShapeBoxes({ ...r, x: r.x * sx, y: r.y * sy, width: r.width * sx, height: r.height * sy }, keep) : [];
  const grown = (b: Box, fw: number, fh: number) => {
    const s = scaledRect(b, W / fw, H / fh);
    const x = Math.max(0, s.x - 1);
    const y = Math.max(0, s.y - 1);
    return { x, y, width: Math.min(W, s.x + s.width + 1) - x, height: Math.min(H, s.y + s.height + 1) - y };
  };
  const hide = [
    ...corners,
    ...m.boxes.map((b) => grown(b, m.frameWidth, m.frameHeight)),
    ...(frames && m.timed ? timedMasksIn(m.timed, frames).map((t) => grown(t.rect, m.timed!.frameWidth, m.timed!.frameHeight)) : []),
  ];
  return { keep, hide: hide.filter((b) => b.width > 0 && b.height > 0) };
}

/**
 * The time-ranged masks of a picture that shows many source frames (a sprite sheet drawn in one ffmpeg pass):
 * each with the frame-counter range it hides on, `offset` being the source frame of the pass's first frame
 * (one frame of slack each side), in the masks' own frame size (drawn before scaling, on every decoded frame).
 */
export function timedMaskRanges(
  timed: TimedPreviewMasks | null | undefined,
  window: FrameWindow,
  offset = 0,
): { frameWidth: number; frameHeight: number; masks: Array<{ rect: Box; first: number; last: number }> } | undefined {
  const masks = timedMasksIn(timed, window);
  if (!timed || !masks.length) return undefined;
  return {
    frameWidth: timed.frameWidth,
    frameHeight: timed.frameHeight,
    masks: masks.map((m) => ({ rect: m.rect, first: m.startFrame - 1 - offset, last: m.endFrame - offset })),
  };
}
