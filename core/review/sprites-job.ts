/**
 * Hover-preview sprite sheets: one ffmpeg pass `fps=1/interval,scale=160:-2,tile=10x10` writes JPEG sheets of
 * 100 thumbnails each; stored as artifacts (kind 'sprite-sheet') plus an index (kind 'sprite-index') in JSON.
 * The interval keeps a long video at about 1,000 thumbnails (≤ 10 sheets) and a short one at 1 per second.
 */
import { chmod, readdir, rename, mkdir, writeFile, rm } from 'node:fs/promises';
import { previewMask, previewMaskAt, refreshPreviews, timedMaskRanges } from '../ocr/index.js';
import { writePreviewSheets } from '../ffmpeg/sprites.js';
import path from 'node:path';
import { z } from 'zod';
import type { SpriteIndex } from '../review/types.js';
import { nowIso } from '../db/open.js';
import { defineJobKind } from '../jobs/kind.js';
import { artifactRelDir } from '../library/import-job.js';
import { previewImageArea } from '../library/private-thumbnail.js';
import { requireProbedVideo } from '../library/video-jobs.js';
import type { VideoRow } from '../library/videos.js';
import type { Ffmpeg } from '../ffmpeg/index.js';
import { framePresentationTimes } from '../ffmpeg/frame-export.js';
import type { ExpressionBuilder, Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

export const SPRITE_COLUMNS = 10;
export const SPRITE_ROWS = 10;
export const SPRITE_WIDTH = 160;

export function spriteInterval(duration: number): number {
  return Math.max(1, Math.ceil((duration / 1000) * 10) / 10);
}

const output = z.object({
  interval: z.number().positive(),
  count: z.number().int().nonnegative(),
  tileWidth: z.number().int().positive(),
  tileHeight: z.number().int().positive(),
  sheets: z.array(z.string()),
  indexPath: z.string(),
  /** The fingerprint of the OCR mask the sheets hide (null: made before OCR, with the conservative mask). */
  mask: z.string().nullable().default(null),
});

export const spritesJob = defineJobKind({
  kind: 'sprites',
  background: true,
  title: 'Preview thumbnails',
  input: z.object({ videoId: z.number().int().positive() }),
  output,
  videoId: (i) => i.videoId,
  precondition: async (s, i) => void (await requireProbedVideo(s, i.videoId)),
  async run(ctx, input) {
    const row = await requireProbedVideo(ctx.services, input.videoId);
    const work = await ctx.workDir();
    const interval = spriteInterval(row.duration);
    const w = row.display_width || row.width;
    const h = row.display_height || row.height;
    const tileHeight = Math.max(2, Math.round((SPRITE_WIDTH * h) / w / 2) * 2);
    // A clinical video's previews must not show the overlay nor any text OCR found: after OCR everything outside
    // the endoscope image (its shape) and every text box (with a margin) is black; before OCR, everything outside
    // the area the thumbnail is masked to (conservative). Each tile also hides the time-ranged masks on the frame
    // it shows. The mask's fingerprint is kept to tell stale sheets.
    const mask = await previewMask(ctx.services, input.videoId);
    const region =
      mask?.region ?? (await previewImageArea(ctx.services.ffmpeg, row.path, { duration: row.duration, width: w, height: h }, ctx.signal));
    const inTile = previewMaskAt(
      mask ? { ...mask, region } : { region, frameWidth: w, frameHeight: h, boxes: [] },
      SPRITE_WIDTH,
      tileHeight,
    );
    const timed = timedMaskRanges(mask?.timed, { start: 0, end: Number.MAX_SAFE_INTEGER });
    await writePreviewSheets(
      ctx.services.ffmpeg,
      row.path,
      {
        interval,
        tileWidth: SPRITE_WIDTH,
        tileHeight,
        columns: SPRITE_COLUMNS,
        rows: SPRITE_ROWS,
        keep: inTile.keep,
        hide: inTile.hide,
        ...(timed ? { timed } : {}),
      },
      path.join(work, 'sheet-%03d.jpg'),
      { signal: ctx.signal, onProgress: (p) => ctx.progress(row.duration > 0 ? p.outTime / row.duration : 0, 'thumbnails') },
    );
    const files = (await readdir(work)).filter((f) => /^sheet-\d+\.jpg$/.test(f)).sort();
    const rel = path.join(artifactRelDir(row.sha256), `sprites-${ctx.jobId}`);
    const dest = path.join(ctx.services.artifactsDir, rel);
    await mkdir(dest, { recursive: true });
    // Tiles cover the video stream, not the container (whose duration includes e.g. AAC priming).
    const videoSeconds = await videoStreamSeconds(ctx.services.ffmpeg, row, ctx.signal);
    const count = Math.min(files.length * SPRITE_COLUMNS * SPRITE_ROWS, Math.max(1, Math.ceil(videoSeconds / interval - 1e-9)));
    for (const f of files) {
      await chmod(path.join(work, f), 0o600);
      await rename(path.join(work, f), path.join(dest, f));
    }
    const index = { interval, count, tileWidth: SPRITE_WIDTH, tileHeight, columns: SPRITE_COLUMNS, rows: SPRITE_ROWS, sheets: files };
    const tmp = path.join(dest, 'index.json.tmp');
    await writeFile(tmp, JSON.stringify(index));
    await rename(tmp, path.join(dest, 'index.json'));
    return {
      interval,
      count,
      mask: mask?.fingerprint ?? null,
      tileWidth: SPRITE_WIDTH,
      tileHeight,
      sheets: files.map((f) => path.join(rel, f)),
      indexPath: path.join(rel, 'index.json'),
    };
  },
  async commit(trx, input, out, services) {
    const old = await trx
      .selectFrom('artifacts')
      .select(['id', 'path'])
      .where('video_id', '=', input.videoId)
      .where(isSpriteArtifact)
      .execute();
    if (old.length)
      await trx
        .deleteFrom('artifacts')
        .where(
          'id',
          'in',
          old.map((o) => o.id),
        )
        .execute();
    const now = nowIso();
    for (const [i, p] of out.sheets.entries())
      await trx
        .insertInto('artifacts')
        .values({ video_id: input.videoId, kind: sheetKind(i), path: p, meta_json: JSON.stringify({ index: i }), created_at: now })
        .execute();
    await trx
      .insertInto('artifacts')
      .values({
        video_id: input.videoId,
        kind: 'sprite-index',
        path: out.indexPath,
        meta_json: JSON.stringify({
          interval: out.interval,
          count: out.count,
          tileWidth: out.tileWidth,
          tileHeight: out.tileHeight,
          columns: SPRITE_COLUMNS,
          rows: SPRITE_ROWS,
          mask: out.mask,
        }),
        created_at: now,
      })
      .execute();
    // Older sheets' files go once the new ones are committed.
    const dirs = new Set(old.map((o) => path.dirname(o.path)).filter((d) => d !== path.dirname(out.indexPath)));
    for (const d of dirs) await rm(path.join(services.artifactsDir, d), { recursive: true, force: true }).catch(() => undefined);
  },
  async afterCommit(services, input, out) {
    services.events.emit({ type: 'data.changed', videoId: input.videoId, topic: 'sprites' });
    // OCR finished while these sheets were made (its refresh found none to replace): replace them now.
    const mask = await previewMask(services, input.videoId);
    if (mask && mask.fingerprint !== out.mask) await refreshPreviews(services, input.videoId);
  },
});

/**
 * How long the video stream lasts. Frame count ÷ nominal rate, except for a variable-frame-rate video, whose frames
 * do not follow the nominal rate (30 frames at 10 fps after a 30 fps stretch last 3 s, not 1): there the last
 * frame's presentation time plus its own duration (packet timestamps, no decoding), else the container's duration.
 */
async function videoStreamSeconds(
  ffmpeg: Ffmpeg,
  row: Pick<VideoRow, 'path' | 'duration' | 'variable_frame_rate' | 'frame_count' | 'frame_count_estimate' | 'fps_num' | 'fps_den'>,
  signal: AbortSignal,
): Promise<number> {
  if (row.variable_frame_rate) {
    const times = await framePresentationTimes(ffmpeg, row.path, signal);
    const last = times.at(-1);
    const before = times.at(-2);
    return last !== undefined && before !== undefined ? last + (last - before) : row.duration;
  }
  const frames = row.frame_count ?? row.frame_count_estimate;
  return frames && row.fps_num && row.fps_den ? (frames * row.fps_den) / row.fps_num : row.duration;
}

/** The sprite index of a video, with artifact ids of its sheets (null until the job ran). */
export async function spriteIndex(db: Kysely<Database>, videoId: number): Promise<SpriteIndex | null> {
  const rows = await db
    .selectFrom('artifacts')
    .select(['id', 'kind', 'meta_json'])
    .where('video_id', '=', videoId)
    .where(isSpriteArtifact)
    .orderBy('id')
    .execute();
  const idx = rows.find((r) => r.kind === 'sprite-index');
  if (!idx?.meta_json) return null;
  const meta = JSON.parse(idx.meta_json) as Omit<SpriteIndex, 'sheets'>;
  const sheets = rows
    .filter((r) => r.kind === 'sprite-sheet' || r.kind.startsWith('sprite-sheet:'))
    .map((r) => ({ id: r.id, index: (JSON.parse(r.meta_json ?? '{}') as { index?: number }).index ?? 0 }))
    .sort((a, b) => a.index - b.index);
  return { ...meta, sheets: sheets.map((r) => r.id) };
}

/**
 * Artifacts are unique per video and kind: the first sheet is 'sprite-sheet' (as before), the next ones
 * 'sprite-sheet:<n>' (a video over 100 seconds has several sheets).
 */
function sheetKind(index: number): string {
  return index === 0 ? 'sprite-sheet' : `sprite-sheet:${index}`;
}

const isSpriteArtifact = (eb: ExpressionBuilder<Database, 'artifacts'>) =>
  eb.or([eb('kind', 'in', ['sprite-sheet', 'sprite-index']), eb('kind', 'like', 'sprite-sheet:%')]);
