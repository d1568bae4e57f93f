import { liveStateSql } from '../jobs/liveness.js';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, VideosTable } from '../db/schema.js';
import type { ArtifactInfo, FailedImport, VideoDetail, VideoState, VideoSummary } from '../library/types.js';
import type { ReviewProgress } from '../segments/types.js';
import { FramewiseError, type SerializedError } from '../util/errors.js';
import path from 'node:path';
import { reviewProgressOf } from '../segments/store.js';
import type { NameIndex, NamedVideo } from './name-index.js';

export type VideoRow = Selectable<VideosTable>;

export function toVideoSummary(
  row: VideoRow,
  extra: { activeJobs?: number; lastJobFailed?: boolean; thumbnailArtifactId?: number | null; review?: ReviewProgress } = {},
): VideoSummary {
  const fps =
    row.fps_num && row.fps_den
      ? { text: `${row.fps_num}/${row.fps_den}`, num: row.fps_num, den: row.fps_den, value: row.fps_num / row.fps_den }
      : null;
  return {
    id: row.id,
    name: row.name,
    path: row.path,
    originalPath: row.original_path,
    copied: row.copied === 1,
    size: row.size,
    sha256: row.sha256,
    container: row.container,
    duration: row.duration,
    fps,
    avgFrameRate: row.avg_frame_rate,
    rFrameRate: row.r_frame_rate,
    frameCount: row.frame_count ?? row.frame_count_estimate,
    frameCountExact: row.frame_count !== null,
    width: row.width,
    height: row.height,
    displayWidth: row.display_width,
    displayHeight: row.display_height,
    rotation: row.rotation,
    pixelFormat: row.pixel_format,
    videoCodec: row.video_codec,
    audioStreams: row.audio_streams,
    subtitleStreams: row.subtitle_streams,
    variableFrameRate: row.variable_frame_rate === 1,
    state: row.state as VideoState,
    activeJobs: extra.activeJobs ?? 0,
    lastJobFailed: extra.lastJobFailed ?? false,
    thumbnailArtifactId: extra.thumbnailArtifactId ?? null,
    importedAt: row.imported_at,
    review: extra.review ?? { validated: 0, total: 0 },
  };
}

export interface ListVideosQuery {
  search?: string;
  state?: VideoState;
  sort?: 'name' | 'imported' | 'duration' | 'size';
  order?: 'asc' | 'desc';
  limit?: number;
  offset?: number;
}

/** Per-video job facts (active count, last job failed) and thumbnail id, in two grouped queries. */
async function decorations(db: Kysely<Database>, ids: number[]) {
  const active = new Map<number, number>();
  const failed = new Set<number>();
  const thumbs = new Map<number, number>();
  const review = new Map<number, ReviewProgress>();
  if (!ids.length) return { active, failed, thumbs, review };
  const chunks: number[][] = [];
  for (let i = 0; i < ids.length; i += 500) chunks.push(ids.slice(i, i + 500));
  for (const chunk of chunks) {
    const act = await db
      .selectFrom('jobs')
      .select(['video_id', sql<number>`count(*)`.as('n')])
      .where('video_id', 'in', chunk)
      .where('state', 'in', ['queued', 'running'])
      // A running job whose process died is not active (it shows as interrupted).
      .where(liveStateSql(), 'in', ['queued', 'running'])
      .groupBy('video_id')
      .execute();
    for (const a of act) if (a.video_id !== null) active.set(a.video_id, a.n);
    const last = await db
      .selectFrom('jobs')
      .select(['video_id', 'state'])
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('jobs')
          .select(sql<number>`max(id)`.as('id'))
          .where('video_id', 'in', chunk)
          .groupBy('video_id'),
      )
      .execute();
    for (const l of last) if (l.video_id !== null && l.state === 'failed') failed.add(l.video_id);
    const th = await db
      .selectFrom('artifacts')
      .select(['id', 'video_id'])
      .where('video_id', 'in', chunk)
      .where('kind', '=', 'thumbnail')
      .execute();
    for (const t of th) thumbs.set(t.video_id, t.id);
    // Review progress: active segments (not deleted, not superseded) and how many are validated, one grouped query.
    for (const [id, p] of await reviewProgressOf(db, chunk)) review.set(id, p);
  }
  return { active, failed, thumbs, review };
}

/** Full rows of `ids`, in that order (500 per query). */
async function rowsByIds(db: Kysely<Database>, ids: number[]): Promise<VideoRow[]> {
  const byId = new Map<number, VideoRow>();
  for (let i = 0; i < ids.length; i += 500) {
    for (const r of await db
      .selectFrom('videos')
      .selectAll()
      .where('id', 'in', ids.slice(i, i + 500))
      .execute())
      byId.set(r.id, r);
  }
  return ids.map((id) => byId.get(id)).filter((r): r is VideoRow => r !== undefined);
}

/** `names`: the library's name index (`nameIndexOf(services.db)`), used to search and sort by the sealed names. */
export async function listVideos(
  db: Kysely<Database>,
  names: NameIndex,
  q: ListVideosQuery = {},
): Promise<{ videos: VideoSummary[]; total: number }> {
  let base = db.selectFrom('videos');
  if (q.state) base = base.where('state', '=', q.state);
  const order = q.order ?? (q.sort === 'name' ? 'asc' : 'desc');
  let rows: VideoRow[];
  let total: number;
  if (q.search || q.sort === 'name') {
    // Names are stored sealed (core/db/sealed-text.ts): SQL sees only ciphertext, so searching and sorting by
    // name use the opened names kept in memory (name-index.ts); only the page's rows are read in full.
    const needle = q.search?.toLocaleLowerCase();
    const all = names.videos();
    const keep = (v: NamedVideo) => (!q.state || v.state === q.state) && (!needle || v.lower.includes(needle));
    let ordered: NamedVideo[];
    if (q.sort === 'name') {
      const byId = new Map(all.map((v) => [v.id, v]));
      ordered = names
        .idsByName(all, order)
        .map((id) => byId.get(id)!)
        .filter(keep);
    } else {
      ordered = all.filter(keep);
      const key = ({ imported: 'id', duration: 'duration', size: 'size' } as const)[q.sort ?? 'imported'];
      // `all` is newest first already: only another order needs a sort.
      if (!(key === 'id' && order === 'desc')) ordered.sort((a, b) => (order === 'asc' ? a[key] - b[key] : b[key] - a[key]) || b.id - a.id);
    }
    total = ordered.length;
    const page = ordered.slice(q.offset ?? 0, (q.offset ?? 0) + (q.limit ?? 100000)).map((v) => v.id);
    rows = await rowsByIds(db, page);
  } else {
    const totalRow = await base.select(sql<number>`count(*)`.as('n')).executeTakeFirst();
    total = totalRow?.n ?? 0;
    const sortCol = { imported: 'id', duration: 'duration', size: 'size' } as const;
    rows = await base
      .selectAll()
      .orderBy(sortCol[q.sort ?? 'imported'], order)
      .orderBy('id', 'desc')
      .limit(q.limit ?? 100000)
      .offset(q.offset ?? 0)
      .execute();
  }
  const d = await decorations(
    db,
    rows.map((r) => r.id),
  );
  return {
    total,
    videos: rows.map((r) =>
      toVideoSummary(r, {
        activeJobs: d.active.get(r.id) ?? 0,
        lastJobFailed: d.failed.has(r.id),
        thumbnailArtifactId: d.thumbs.get(r.id) ?? null,
        review: d.review.get(r.id) ?? { validated: 0, total: 0 },
      }),
    ),
  };
}

export async function getVideoRow(db: Kysely<Database>, id: number): Promise<VideoRow> {
  const row = await db.selectFrom('videos').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new FramewiseError('not_found', `No video with id ${id}`);
  return row;
}

export async function getVideoSummary(db: Kysely<Database>, id: number): Promise<VideoSummary> {
  const row = await getVideoRow(db, id);
  const d = await decorations(db, [id]);
  return toVideoSummary(row, {
    activeJobs: d.active.get(id) ?? 0,
    lastJobFailed: d.failed.has(id),
    thumbnailArtifactId: d.thumbs.get(id) ?? null,
    review: d.review.get(id) ?? { validated: 0, total: 0 },
  });
}

export async function getVideoDetail(db: Kysely<Database>, id: number, artifactsDir: string): Promise<VideoDetail> {
  const summary = await getVideoSummary(db, id);
  const row = await getVideoRow(db, id);
  const arts = await db.selectFrom('artifacts').selectAll().where('video_id', '=', id).orderBy('id').execute();
  const artifacts: ArtifactInfo[] = arts.map((a) => ({
    id: a.id,
    kind: a.kind,
    path: path.join(artifactsDir, a.path),
    meta: a.meta_json ? JSON.parse(a.meta_json) : null,
    createdAt: a.created_at,
  }));
  return { ...summary, metadata: JSON.parse(row.metadata_json), artifacts };
}

/** `<video>` on the command line: an id, or a path (as imported, or the file's current path). */
export async function resolveVideoRef(db: Kysely<Database>, ref: string | number): Promise<number> {
  if (typeof ref === 'number' || /^\d+$/.test(ref)) {
    const id = Number(ref);
    const row = await db.selectFrom('videos').select('id').where('id', '=', id).executeTakeFirst();
    if (row) return row.id;
    if (typeof ref === 'number') throw new FramewiseError('not_found', `No video with id ${id}`);
  }
  const abs = path.resolve(String(ref));
  // Paths are stored sealed: compare the opened paths (newest first), not in SQL.
  const rows = await db.selectFrom('videos').select(['id', 'path', 'original_path']).orderBy('id', 'desc').execute();
  const row = rows.find((r) => r.path === abs || r.original_path === abs);
  if (!row)
    throw new FramewiseError('not_found', `No video in the library for "${ref}" (give an id from \`framewise list\` or the imported path)`);
  return row.id;
}

/** Import jobs that failed, newest per path, unless that path was imported successfully later. */
export async function listFailedImports(db: Kysely<Database>): Promise<FailedImport[]> {
  const rows = await db
    .selectFrom('jobs')
    .selectAll()
    .where('kind', '=', 'import')
    .where('state', 'in', ['failed', 'succeeded'])
    .orderBy('id', 'asc')
    .execute();
  const byPath = new Map<string, FailedImport | null>();
  for (const r of rows) {
    const input = JSON.parse(r.input_json) as { path: string };
    if (r.state === 'succeeded') byPath.set(input.path, null);
    else
      byPath.set(input.path, {
        path: input.path,
        jobId: r.id,
        error: (r.error_json ? JSON.parse(r.error_json) : { code: 'internal', message: 'failed' }) as SerializedError,
        at: r.finished_at ?? r.created_at,
      });
  }
  return [...byPath.values()].filter((x): x is FailedImport => x !== null);
}

/**
 * The frame count the library knows for a video: counted exactly (`frame-count` job), else ffprobe's estimate,
 * else duration × fps (rounded, at least `min`). The one place this fallback is written.
 */
export function bestFrameCount(
  v: { frame_count: number | null; frame_count_estimate: number | null; duration: number },
  fps: { num: number; den: number },
  min = 0,
): number {
  return v.frame_count ?? v.frame_count_estimate ?? Math.max(min, Math.round((v.duration * fps.num) / fps.den));
}
