/**
 * What every preview image of a video (thumbnail, hover sprite sheets, clip keyframes and sprites, subtitle
 * previews) must hide once OCR has run: everything outside the endoscope image and every text box OCR found —
 * the device overlay and text burned into the image itself (a name typed on the processor mid-video). Geometry
 * only (stored in plain text); a fingerprint of it tells a preview made with an older mask from a current one.
 */
import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Services } from '../services.js';
import type { Box } from '../util/box.js';
import { remaskThumbnail } from '../library/private-thumbnail.js';
import type { MeasuredEndoscopeRegion } from './endoscope.js';
import { getEndoscopeRegion, getOcrResult } from './store.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface PreviewMask {
  /** The endoscope image (in its own frame size); null: none found, nothing outside it to hide. */
  region: MeasuredEndoscopeRegion | null;
  /** OCR's frame size, which `boxes` are measured in. */
  frameWidth: number;
  frameHeight: number;
  /** Every text box OCR found (inside the image or not), grown by the preview margin. */
  boxes: Box[];
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

/** The mask of a video's previews; null when neither OCR nor a region exists yet (previews use the conservative mask). */
export async function previewMask(db: Db, videoId: number): Promise<PreviewMask | null> {
  const [ocr, stored] = await Promise.all([getOcrResult(db, videoId, null), getEndoscopeRegion(db, videoId)]);
  if (!ocr && !stored) return null;
  let region: MeasuredEndoscopeRegion | null = null;
  if (stored) {
    const { source: _source, updatedAt: _updated, ...geometry } = stored;
    region = geometry;
  }
  const frameWidth = ocr?.frameWidth ?? region!.frameWidth;
  const frameHeight = ocr?.frameHeight ?? region!.frameHeight;
  const boxes = (ocr?.regions ?? []).map(({ box }) => {
    const m = previewBoxMargin(box);
    const x = Math.max(0, box.x - m);
    const y = Math.max(0, box.y - m);
    return { x, y, width: Math.min(frameWidth, box.x + box.width + m) - x, height: Math.min(frameHeight, box.y + box.height + m) - y };
  });
  const fingerprint = createHash('sha256').update(JSON.stringify({ region, frameWidth, frameHeight, boxes })).digest('hex').slice(0, 12);
  return { region, frameWidth, frameHeight, boxes, fingerprint };
}

/** A rectangle scaled by (sx, sy), grown outward to whole pixels (nothing of it is cut off). */
export function scaledRect(r: Box, sx: number, sy: number): Box {
  const x = Math.floor(r.x * sx);
  const y = Math.floor(r.y * sy);
  return { x, y, width: Math.ceil((r.x + r.width) * sx) - x, height: Math.ceil((r.y + r.height) * sy) - y };
}

/**
 * The mask in a W×H picture of the video: the rectangle to keep (the endoscope image's bounding box, null: all)
 * and the boxes to black out, grown outward to whole pixels plus one (scaling blurs an edge pixel in).
 */
export function previewMaskAt(
  m: { region: MeasuredEndoscopeRegion | null; frameWidth: number; frameHeight: number; boxes: Box[] } | null,
  W: number,
  H: number,
): { keep: Box | null; hide: Box[] } {
  if (!m) return { keep: null, hide: [] };
  const r = m.region;
  const keep = r ? scaledRect(r, W / r.frameWidth, H / r.frameHeight) : null;
  const hide = m.boxes.map((b) => {
    const s = scaledRect(b, W / m.frameWidth, H / m.frameHeight);
    const x = Math.max(0, s.x - 1);
    const y = Math.max(0, s.y - 1);
    return { x, y, width: Math.min(W, s.x + s.width + 1) - x, height: Math.min(H, s.y + s.height + 1) - y };
  });
  return { keep, hide: hide.filter((b) => b.width > 0 && b.height > 0) };
}

/**
 * Artifact kinds of previews made on demand (clip keyframes and sprite sheets): they are named after the frames
 * they show, so a new mask must remove them — the next request makes them again with it.
 */
const ON_DEMAND_PREVIEWS = ['clip-keyframe:%', 'clip-sprite:%', 'clip-sprite-vtt:%'];

/**
 * After OCR results or the endoscope region changed: mask the thumbnail again, remove previews made on demand
 * and hover sprite sheets made with another mask (their files first, so none is served again), and queue new
 * sprite sheets when the video had some. Best effort: a failure leaves the earlier previews, never fewer masks
 * than before (the thumbnail only gets darker; files go before their rows).
 */
export async function refreshPreviews(services: Services, videoId: number): Promise<void> {
  const mask = await previewMask(services.db.reader, videoId);
  if (!mask) return;
  await remaskThumbnail(services, videoId, mask).catch(() => false);
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
  const drop = stale.filter((a) => !(spritesCurrent && (a.kind === 'sprite-index' || a.kind.startsWith('sprite-sheet'))));
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
