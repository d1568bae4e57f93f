import type { Kysely } from 'kysely';
import { nowIso } from '../db/open.js';
import type { TimedMask } from '../anonymize/types.js';
import { upgradeEndoscopeRegion, type EndoscopeRegion } from '../util/endoscope-region.js';

/** Tables of time-ranged masks (migration 51). Geometry and frame numbers only: never any text read. */
export type TimedMasksTable = {
  id: number | null;
  video_id: number;
  start_frame: number;
  end_frame: number;
  x: number;
  y: number;
  width: number;
  height: number;
  source: TimedMask['source'];
  created_at: string;
};

export type TextScansTable = {
  video_id: number;
  /** The endoscope region the scan read within (JSON), so a changed region is scanned again. */
  region_json: string | null;
  step: number;
  samples: number;
  frames_read: number;
  masks: number;
  scanned_at: string;
};

export type TimedMaskTables = {
  anonymize_timed_masks: TimedMasksTable;
  anonymize_text_scans: TextScansTable;
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

export interface TextScanRecord {
  regionJson: string | null;
  step: number;
  samples: number;
  framesRead: number;
  masks: number;
  scannedAt: string;
}

export async function listTimedMasks(db: AnyDb, videoId: number): Promise<TimedMask[]> {
  const rows = await db
    .withTables<TimedMaskTables>()
    .selectFrom('anonymize_timed_masks')
    .selectAll()
    .where('video_id', '=', videoId)
    .orderBy('start_frame')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    startFrame: r.start_frame,
    endFrame: r.end_frame,
    rect: { x: r.x, y: r.y, width: r.width, height: r.height },
    source: r.source,
  }));
}

export async function getTextScan(db: AnyDb, videoId: number): Promise<TextScanRecord | null> {
  const r = await db
    .withTables<TimedMaskTables>()
    .selectFrom('anonymize_text_scans')
    .selectAll()
    .where('video_id', '=', videoId)
    .executeTakeFirst();
  return r
    ? {
        regionJson: storedRegionKey(r.region_json),
        step: r.step,
        samples: r.samples,
        framesRead: r.frames_read,
        masks: r.masks,
        scannedAt: r.scanned_at,
      }
    : null;
}

/** A recorded scan's region key in today's shape (keys recorded before the one region type used `{rect, shape: round…}`). */
export function storedRegionKey(json: string | null): string | null {
  if (json === null) return null;
  try {
    return regionKey(upgradeEndoscopeRegion(JSON.parse(json)) as EndoscopeRegion);
  } catch {
    return json;
  }
}

export function regionKey(region: EndoscopeRegion | null): string | null {
  return region
    ? JSON.stringify({
        x: region.x,
        y: region.y,
        width: region.width,
        height: region.height,
        shape: region.shape,
        cornerCut: region.cornerCut ?? null,
      })
    : null;
}

/** Replace the masks of the given sources (all when omitted) in one transaction. */
export async function replaceTimedMasks(
  db: AnyDb,
  videoId: number,
  masks: TimedMask[],
  sources?: Array<TimedMask['source']>,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const t = trx.withTables<TimedMaskTables>();
    let del = t.deleteFrom('anonymize_timed_masks').where('video_id', '=', videoId);
    if (sources) del = del.where('source', 'in', sources);
    await del.execute();
    const now = nowIso();
    for (const m of masks) {
      await t
        .insertInto('anonymize_timed_masks')
        .values({
          id: null,
          video_id: videoId,
          start_frame: m.startFrame,
          end_frame: m.endFrame,
          x: m.rect.x,
          y: m.rect.y,
          width: m.rect.width,
          height: m.rect.height,
          source: m.source,
          created_at: now,
        })
        .execute();
    }
  });
}

/** Add masks (e.g. found by verification) to the ones the video has. */
export async function addTimedMasks(db: AnyDb, videoId: number, masks: TimedMask[]): Promise<void> {
  const existing = await listTimedMasks(db, videoId);
  await replaceTimedMasks(db, videoId, [...existing, ...masks]);
}

export async function recordTextScan(
  db: AnyDb,
  videoId: number,
  scan: Omit<TextScanRecord, 'scannedAt'>,
  masks: TimedMask[],
): Promise<void> {
  await replaceTimedMasks(db, videoId, masks, ['scan']);
  await db
    .withTables<TimedMaskTables>()
    .insertInto('anonymize_text_scans')
    .values({
      video_id: videoId,
      region_json: scan.regionJson,
      step: scan.step,
      samples: scan.samples,
      frames_read: scan.framesRead,
      masks: scan.masks,
      scanned_at: nowIso(),
    })
    .onConflict((oc) =>
      oc.column('video_id').doUpdateSet({
        region_json: scan.regionJson,
        step: scan.step,
        samples: scan.samples,
        frames_read: scan.framesRead,
        masks: scan.masks,
        scanned_at: nowIso(),
      }),
    )
    .execute();
}

/** A video's masks as previews hide them: display pixels, source frames counted at the video's frame rate (as the plan does). */
export async function timedPreviewMasks(services: { db: { reader: AnyDb } }, videoId: number) {
  const masks = await listTimedMasks(services.db.reader, videoId);
  if (!masks.length) return null;
  const video = await services.db.reader
    .selectFrom('videos')
    .select(['display_width', 'display_height', 'fps_num', 'fps_den'])
    .where('id', '=', videoId)
    .executeTakeFirst();
  if (!video) return null;
  return {
    frameWidth: video.display_width as number,
    frameHeight: video.display_height as number,
    fps: { num: (video.fps_num as number | null) ?? 25, den: (video.fps_den as number | null) ?? 1 },
    masks: masks.map(({ startFrame, endFrame, rect }) => ({ startFrame, endFrame, rect })),
  };
}
