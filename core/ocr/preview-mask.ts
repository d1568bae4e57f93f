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
import { remakeThumbnail, thumbnailTime } from '../library/private-thumbnail.js';
import { FramewiseError } from '../util/errors.js';
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
 * The frames a preview at `seconds` may show (an accurate seek lands on the first frame at or after it), from the
 * nominal frame rate: right for a constant-frame-rate video only (see `previewFrameWindowAt`).
 */
export function frameWindowAt(timed: TimedPreviewMasks | null | undefined, seconds: number): FrameWindow {
  const exact = timed ? (seconds * timed.fps.num) / timed.fps.den : 0;
  // A frame's own time (frame / fps) comes back as that frame, not as a two-frame window from rounding noise.
  const f = Math.abs(exact - Math.round(exact)) < 1e-6 ? Math.round(exact) : exact;
  return { start: Math.floor(f), end: Math.ceil(f) + 1 };
}

/**
 * The frames a preview of the video at `seconds` may show, numbered as time-ranged masks are (decoded frames in
 * presentation order: the render's `n`). A variable-frame-rate video's frame at a time comes from the frames'
 * presentation timestamps — frame index × nominal rate puts a mask on other frames than those it was made for
 * (seconds off, after a slower or faster stretch). The frame shown at `seconds` and the next (the seek may land
 * on either); timestamps are read from packets (no decoding) once per file and kept for a few files.
 */
export async function previewFrameWindowAt(
  services: Pick<Services, 'db' | 'ffmpeg'>,
  videoId: number,
  timed: TimedPreviewMasks | null | undefined,
  seconds: number,
): Promise<FrameWindow> {
  if (!timed) return frameWindowAt(timed, seconds);
  const video = await services.db.reader
    .selectFrom('videos')
    .select(['path', 'variable_frame_rate'])
    .where('id', '=', videoId)
    .executeTakeFirst();
  if (!video?.variable_frame_rate) return frameWindowAt(timed, seconds);
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
 * A preview could not be made again with the current masks. By the time this is thrown, every such preview has
 * been withdrawn where the library allowed (its row deleted, so it is no longer served, and its file removed
 * where the disk allowed; a sprite sheet or clip preview is made again when next asked for, the thumbnail only
 * by a new import), and the library's log says which kinds and why (codes only). No file name, no patient data.
 */
export class PreviewRefreshError extends FramewiseError {
  constructor(
    readonly videoId: number,
    readonly withdrawn: string[],
    readonly reasons: string[],
  ) {
    super(
      'preview_failed',
      `The previews of video ${videoId} could not be made again with the current masks (${reasons.join(', ')})` +
        (withdrawn.length ? `; withdrawn so they are not shown any more: ${withdrawn.join(', ')}` : ''),
    );
  }
}

/** Why something failed, fit for the log and for messages: an error code, never a message (which may name a file). */
function reasonOf(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && typeof (err as { code: unknown }).code === 'string') {
    return (err as { code: string }).code;
  }
  return 'internal';
}

/**
 * After OCR results, the endoscope region or the time-ranged masks changed: make the thumbnail again from the
 * source with the current mask (`remakeThumbnail`), remove previews made on demand whose frames now get another
 * mask and hover sprite sheets made with another mask (their files first, so none is served again), and queue
 * new sprite sheets when the video had some.
 *
 * Fails closed: a preview that cannot be made current is never left showing what a mask now hides. The thumbnail
 * that cannot be made again (nor darkened) is withdrawn — its row deleted (it is served by artifact id, so it is
 * no longer shown) and its file removed where the disk allows; a stale preview whose file cannot be removed loses
 * its row all the same. Then a `PreviewRefreshError` is thrown (after logging what was withdrawn and why, codes
 * only), for the caller to surface where the user acts.
 */
export async function refreshPreviews(services: Services, videoId: number): Promise<void> {
  const reasons: string[] = [];
  const withdrawn: string[] = [];
  const failed = (what: string, err: unknown) => reasons.push(`${what}: ${reasonOf(err)}`);
  let mask: PreviewMask | null;
  try {
    mask = await previewMask(services, videoId);
  } catch (err) {
    // What the previews must hide is unknown: none of them may be served until made again (fail closed).
    failed('mask', err);
    if (await withdrawArtifacts(services, videoId, (eb) => eb.or([eb('kind', '=', 'thumbnail'), ...previewKinds(eb)]), failed)) {
      withdrawn.push('thumbnail', 'sprite sheets', 'clip previews');
    }
    services.log.warn({ videoId, withdrawn, reasons }, 'previews could not be made again with the current masks: withdrawn');
    throw new PreviewRefreshError(videoId, withdrawn, reasons);
  }
  try {
    const timed = mask ? await thumbnailTimedBoxes(services, videoId, mask) : [];
    await remakeThumbnail(
      services,
      videoId,
      mask && { frameWidth: mask.frameWidth, frameHeight: mask.frameHeight, region: mask.region, boxes: [...mask.boxes, ...timed] },
    );
  } catch (err) {
    failed('thumbnail', err);
    if (await withdrawArtifacts(services, videoId, (eb) => eb('kind', '=', 'thumbnail'), failed)) withdrawn.push('thumbnail');
  }
  try {
    await dropStalePreviews(services, videoId, mask, failed);
  } catch (err) {
    // Which previews are stale could not even be read: withdraw every preview made with a mask (fail closed).
    failed('previews', err);
    const all = await withdrawArtifacts(services, videoId, (eb) => eb.or(previewKinds(eb)), failed);
    if (all) withdrawn.push('sprite sheets', 'clip previews');
  }
  if (!reasons.length) return;
  services.log.warn({ videoId, withdrawn, reasons }, 'previews could not be made again with the current masks: withdrawn');
  throw new PreviewRefreshError(videoId, withdrawn, reasons);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ArtifactWhere = (eb: any) => any;

/** The artifact kinds of previews other than the thumbnail. */
function previewKinds(eb: Parameters<ArtifactWhere>[0]) {
  return [
    ...ON_DEMAND_PREVIEWS.map((k) => eb('kind', 'like', k)),
    eb('kind', 'in', ['sprite-sheet', 'sprite-index']),
    eb('kind', 'like', 'sprite-sheet:%'),
  ];
}

/**
 * Withdraw previews: their rows go first (nothing serves them any more, even when the disk refuses to delete the
 * file), then their files. True when no row is left; failures are reported through `failed`.
 */
async function withdrawArtifacts(
  services: Services,
  videoId: number,
  where: ArtifactWhere,
  failed: (what: string, err: unknown) => void,
): Promise<boolean> {
  let rows: Array<{ id: number; path: string }> = [];
  try {
    rows = await services.db.writer.selectFrom('artifacts').select(['id', 'path']).where('video_id', '=', videoId).where(where).execute();
    if (rows.length) {
      await services.db.writer
        .deleteFrom('artifacts')
        .where(
          'id',
          'in',
          rows.map((r) => r.id),
        )
        .execute();
    }
  } catch (err) {
    failed('withdraw rows', err);
    for (const r of rows)
      await rm(path.join(services.artifactsDir, r.path), { force: true }).catch((e: unknown) => failed('withdraw file', e));
    return false;
  }
  for (const r of rows)
    await rm(path.join(services.artifactsDir, r.path), { force: true }).catch((e: unknown) => failed('withdraw file', e));
  services.events.emit({ type: 'data.changed', videoId, topic: 'previews' });
  return true;
}

/**
 * Remove previews made with another mask than `mask` (files first); queue new sprite sheets when there were some.
 * `mask` null (the last time-ranged mask removed, no OCR): previews made with a mask go too, so they are made again
 * from the source without it (as the thumbnail is).
 */
async function dropStalePreviews(
  services: Services,
  videoId: number,
  mask: PreviewMask | null,
  failed: (what: string, err: unknown) => void,
): Promise<void> {
  const db = services.db.writer;
  const stale = await db
    .selectFrom('artifacts')
    .select(['id', 'kind', 'path', 'meta_json'])
    .where('video_id', '=', videoId)
    .where((eb) => eb.or(previewKinds(eb)))
    .execute();
  const index = stale.find((a) => a.kind === 'sprite-index');
  const spritesCurrent =
    !!index && ((JSON.parse(index.meta_json ?? '{}') as { mask?: string | null }).mask ?? null) === (mask?.fingerprint ?? null);
  const current = (a: { kind: string; meta_json: string | null }) => {
    if (a.kind === 'sprite-index' || a.kind.startsWith('sprite-sheet')) return spritesCurrent;
    const meta = JSON.parse(a.meta_json ?? '{}') as PreviewArtifactMask;
    if (!mask)
      return !!meta.frames && (meta.mask === previewTag(null, meta.frames, true) || meta.mask === previewTag(null, meta.frames, false));
    return !!meta.mask && !!meta.frames && meta.mask === previewTag(mask, meta.frames, true);
  };
  const drop = stale.filter((a) => !current(a));
  if (!drop.length) return;
  // A file that cannot be removed (a read-only or failing disk) is reported; its row goes all the same.
  for (const a of drop) await rm(path.join(services.artifactsDir, a.path), { force: true }).catch((e: unknown) => failed('stale file', e));
  await db
    .deleteFrom('artifacts')
    .where(
      'id',
      'in',
      drop.map((a) => a.id),
    )
    .execute();
  if (index && !spritesCurrent) {
    // The old sheets are gone already: a failure to queue new ones (e.g. the source is offline) leaves none — safe;
    // the review asks for them again when it opens. Logged, not an error of the refresh.
    await services.jobs
      .enqueue('sprites', { videoId })
      .catch((e: unknown) => services.log.info({ videoId, code: reasonOf(e) }, 'sprite sheets not queued again'));
    services.events.emit({ type: 'data.changed', videoId, topic: 'sprites' });
  }
  if (drop.some((a) => a.kind.startsWith('clip-'))) services.events.emit({ type: 'data.changed', videoId, topic: 'clips' });
}

/**
 * The time-ranged masks the thumbnail must hide, in the mask's frame size: the thumbnail is the keyframe at or
 * before its time, so every mask on a frame up to that time.
 */
async function thumbnailTimedBoxes(services: Pick<Services, 'db' | 'ffmpeg'>, videoId: number, mask: PreviewMask): Promise<Box[]> {
  const timed = mask.timed;
  if (!timed) return [];
  const video = await services.db.reader.selectFrom('videos').select('duration').where('id', '=', videoId).executeTakeFirst();
  if (!video) return [];
  const window = { start: 0, end: (await previewFrameWindowAt(services, videoId, timed, thumbnailTime(video.duration))).end };
  const sx = mask.frameWidth / timed.frameWidth;
  const sy = mask.frameHeight / timed.frameHeight;
  return timedMasksIn(timed, window).map((m) => scaledRect(m.rect, sx, sy));
}
