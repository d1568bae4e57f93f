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
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { slot, type Services } from '../services.js';
import type { Box } from '../util/box.js';
import { remaskThumbnail, thumbnailTime } from '../library/private-thumbnail.js';
import type { MeasuredEndoscopeRegion } from './endoscope.js';
import { outsideShapeBoxes } from './preview-shape.js';
import { getEndoscopeRegion, getOcrResult } from './store.js';

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

/** The frames a preview at `seconds` may show (an accurate seek lands on the first frame at or after it). */
export function frameWindowAt(timed: TimedPreviewMasks | null | undefined, seconds: number): FrameWindow {
  const f = timed ? (seconds * timed.fps.num) / timed.fps.den : 0;
  return { start: Math.floor(f), end: Math.ceil(f) + 1 };
}

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

/**
 * Artifact kinds of previews made on demand (clip keyframes and sprite sheets): they are named after the frames
 * they show and the mask on them (`previewTag`, kept in their meta with the frames), so a preview whose frames
 * now get another mask is removed — the next request makes it again with it.
 */
const ON_DEMAND_PREVIEWS = ['clip-keyframe:%', 'clip-sprite:%', 'clip-sprite-vtt:%'];

/** What an on-demand preview's artifact meta says about its mask (absent: made before masks were recorded). */
export interface PreviewArtifactMask {
  mask?: string;
  frames?: FrameWindow;
}

/**
 * After OCR results, the endoscope region or the time-ranged masks changed: mask the thumbnail again, remove
 * previews made on demand whose frames now get another mask and hover sprite sheets made with another mask
 * (their files first, so none is served again), and queue new sprite sheets when the video had some. Best
 * effort: a failure leaves the earlier previews, never fewer masks than before (the thumbnail only gets
 * darker; files go before their rows).
 */
export async function refreshPreviews(services: Services, videoId: number): Promise<void> {
  const mask = await previewMask(services, videoId);
  if (!mask) return;
  await remaskThumbnail(services, videoId, {
    ...mask,
    boxes: [...mask.boxes, ...(await thumbnailTimedBoxes(services, videoId, mask))],
  }).catch(() => false);
  const db = services.db.writer;
  const stale = await db
    .selectFrom('artifacts')
    .select(['id', 'kind', 'path', 'meta_json'])
    .where('video_id', '=', videoId)
    .where((eb) =>
      eb.or([
        ...ON_DEMAND_PREVIEWS.map((k) => eb('kind', 'like', k)),
        eb('kind', 'in', ['sprite-sheet', 'sprite-index']),
        eb('kind', 'like', 'sprite-sheet:%'),
      ]),
    )
    .execute();
  const index = stale.find((a) => a.kind === 'sprite-index');
  const spritesCurrent = !!index && (JSON.parse(index.meta_json ?? '{}') as { mask?: string }).mask === mask.fingerprint;
  const current = (a: { kind: string; meta_json: string | null }) => {
    if (a.kind === 'sprite-index' || a.kind.startsWith('sprite-sheet')) return spritesCurrent;
    const meta = JSON.parse(a.meta_json ?? '{}') as PreviewArtifactMask;
    return !!meta.mask && !!meta.frames && meta.mask === previewTag(mask, meta.frames, true);
  };
  const drop = stale.filter((a) => !current(a));
  if (!drop.length) return;
  for (const a of drop) await rm(path.join(services.artifactsDir, a.path), { force: true }).catch(() => undefined);
  await db
    .deleteFrom('artifacts')
    .where(
      'id',
      'in',
      drop.map((a) => a.id),
    )
    .execute();
  if (index && !spritesCurrent) {
    await services.jobs.enqueue('sprites', { videoId }).catch(() => undefined);
    services.events.emit({ type: 'data.changed', videoId, topic: 'sprites' });
  }
  if (drop.some((a) => a.kind.startsWith('clip-'))) services.events.emit({ type: 'data.changed', videoId, topic: 'clips' });
}

/**
 * The time-ranged masks the thumbnail must hide, in the mask's frame size: the thumbnail is the keyframe at or
 * before its time, so every mask on a frame up to that time.
 */
async function thumbnailTimedBoxes(services: Pick<Services, 'db'>, videoId: number, mask: PreviewMask): Promise<Box[]> {
  const timed = mask.timed;
  if (!timed) return [];
  const video = await services.db.reader.selectFrom('videos').select('duration').where('id', '=', videoId).executeTakeFirst();
  if (!video) return [];
  const window = { start: 0, end: frameWindowAt(timed, thumbnailTime(video.duration)).end };
  const sx = mask.frameWidth / timed.frameWidth;
  const sy = mask.frameHeight / timed.frameHeight;
  return timedMasksIn(timed, window).map((m) => scaledRect(m.rect, sx, sy));
}
