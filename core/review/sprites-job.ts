/**
 * Hover-preview sprite sheets: one ffmpeg pass `fps=1/interval,scale=160:-2,tile=10x10` writes JPEG sheets of
 * 100 thumbnails each; stored as artifacts (kind 'sprite-sheet') plus an index (kind 'sprite-index') in JSON.
 * The interval keeps a long video at about 1,000 thumbnails (≤ 10 sheets) and a short one at 1 per second.
 */
import { chmod, readdir, rename, mkdir, writeFile, rm } from 'node:fs/promises';
import { getEndoscopeRegion } from '../ocr/index.js';
import path from 'node:path';
import { z } from 'zod';
import type { SpriteIndex } from '../review/types.js';
import { nowIso } from '../db/open.js';
import { defineJobKind } from '../jobs/kind.js';
import { artifactRelDir } from '../library/import-job.js';
import { requireProbedVideo } from '../library/video-jobs.js';
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
    // A clinical video's previews must not show the overlay: outside the endoscope image (when OCR found it)
    // everything is black.
    const region = await getEndoscopeRegion(ctx.services.db.reader, input.videoId);
    const hide = region
      ? outsideBoxes(region, SPRITE_WIDTH / region.frameWidth, tileHeight / region.frameHeight, SPRITE_WIDTH, tileHeight)
      : [];
    await ctx.services.ffmpeg.run(
      [
        '-v',
        'error',
        '-i',
        row.path,
        '-map',
        '0:v:0',
        '-an',
        '-sn',
        '-vf',
        [`fps=1/${interval}`, `scale=${SPRITE_WIDTH}:${tileHeight}`, ...hide, `tile=${SPRITE_COLUMNS}x${SPRITE_ROWS}`].join(','),
        '-q:v',
        '5',
        path.join(work, 'sheet-%03d.jpg'),
      ],
      { signal: ctx.signal, onProgress: (p) => ctx.progress(row.duration > 0 ? p.outTime / row.duration : 0, 'thumbnails') },
    );
    const files = (await readdir(work)).filter((f) => /^sheet-\d+\.jpg$/.test(f)).sort();
    const rel = path.join(artifactRelDir(row.sha256), `sprites-${ctx.jobId}`);
    const dest = path.join(ctx.services.artifactsDir, rel);
    await mkdir(dest, { recursive: true });
    // Tiles cover the video stream, not the container (whose duration includes e.g. AAC priming).
    const frames = row.frame_count ?? row.frame_count_estimate;
    const videoSeconds = frames && row.fps_num && row.fps_den ? (frames * row.fps_den) / row.fps_num : row.duration;
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
        }),
        created_at: now,
      })
      .execute();
    // Older sheets' files go once the new ones are committed.
    const dirs = new Set(old.map((o) => path.dirname(o.path)).filter((d) => d !== path.dirname(out.indexPath)));
    for (const d of dirs) await rm(path.join(services.artifactsDir, d), { recursive: true, force: true }).catch(() => undefined);
  },
  async afterCommit(services, input) {
    services.events.emit({ type: 'data.changed', videoId: input.videoId, topic: 'sprites' });
  },
});

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

/** drawbox filters blacking out everything outside a rectangle (scaled to the sprite tile). */
export function outsideBoxes(
  r: { x: number; y: number; width: number; height: number },
  sx: number,
  sy: number,
  W: number,
  H: number,
): string[] {
  const x0 = Math.max(0, Math.floor(r.x * sx));
  const y0 = Math.max(0, Math.floor(r.y * sy));
  const x1 = Math.min(W, Math.ceil((r.x + r.width) * sx));
  const y1 = Math.min(H, Math.ceil((r.y + r.height) * sy));
  const box = (x: number, y: number, w: number, h: number) =>
    w > 0 && h > 0 ? [`drawbox=x=${x}:y=${y}:w=${w}:h=${h}:color=black:t=fill`] : [];
  return [...box(0, 0, W, y0), ...box(0, y1, W, H - y1), ...box(0, y0, x0, y1 - y0), ...box(x1, y0, W - x1, y1 - y0)];
}
