import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Database, SegmentsTable } from '../db/schema.js';
import type { ReviewProgress, Segment, SegmentSource } from './types.js';

/**
 * The segments table: time segments per label, written by prediction (source 'prediction') and by reviewers
 * (source 'reviewer'). An edit is a new row superseding the edited one; a deletion is a tombstone row
 * (deleted = 1). The ACTIVE segments are the rows not deleted and not superseded by any row: `activeSegments`
 * is the one place that rule is written.
 */
type Db = Kysely<Database> | Transaction<Database>;
export type SegmentRow = Selectable<SegmentsTable>;

/** `segments as s`, only active rows; callers add their columns and filters. */
export function activeSegments(db: Db) {
  return db
    .selectFrom('segments as s')
    .where('s.deleted', '=', 0)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('segments as x').select('x.id').whereRef('x.supersedes_id', '=', 's.id'))));
}

export function toSegment(r: SegmentRow): Segment {
  let params: unknown = null;
  try {
    params = r.params_json ? JSON.parse(r.params_json) : null;
  } catch {
    params = null;
  }
  return {
    id: r.id,
    videoId: r.video_id,
    label: r.label,
    start: r.start_time,
    end: r.end_time,
    startFrame: r.start_frame,
    endFrame: r.end_frame,
    source: r.source,
    model: r.model,
    modelVersion: r.model_version,
    meanScore: r.mean_score,
    maxScore: r.max_score,
    validated: r.validated === 1,
    supersedesId: r.supersedes_id,
    deleted: r.deleted === 1,
    params,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    createdBy: r.created_by,
  };
}

export interface SegmentQuery {
  /** Only these labels (default: all). */
  labels?: string[];
  /** Only segments a reviewer validated. */
  validatedOnly?: boolean;
  sources?: SegmentSource[];
  /** Only prediction segments of this model (reviewer segments are kept unless `sources` excludes them). */
  model?: string;
  /** Include rows superseded by a reviewer edit and deleted rows (history). Default false. */
  includeInactive?: boolean;
}

/**
 * Active segments of a video, ordered by label then start. Each is a half-open range [startFrame, endFrame) /
 * [start, end). This is the API for consumers such as anonymization: `getSegments(db, id, { labels: ['outside'] })`.
 */
export async function getSegments(db: Db, videoId: number, q: SegmentQuery = {}): Promise<Segment[]> {
  let query = (q.includeInactive ? db.selectFrom('segments as s') : activeSegments(db)).selectAll('s').where('s.video_id', '=', videoId);
  if (q.labels?.length) query = query.where('s.label', 'in', q.labels);
  if (q.validatedOnly) query = query.where('s.validated', '=', 1);
  if (q.sources?.length) query = query.where('s.source', 'in', q.sources);
  if (q.model) query = query.where((eb) => eb.or([eb('s.source', '=', 'reviewer'), eb('s.model', '=', q.model!)]));
  const rows = await query.orderBy('s.label').orderBy('s.start_frame').orderBy('s.id').execute();
  return rows.map(toSegment);
}

/** Validated active segments / all active segments, per video (one grouped query). */
export async function reviewProgressOf(db: Db, videoIds: number[]): Promise<Map<number, ReviewProgress>> {
  const out = new Map<number, ReviewProgress>();
  if (!videoIds.length) return out;
  const rows = await activeSegments(db)
    .select(['s.video_id', sql<number>`count(*)`.as('total'), sql<number | null>`sum(s.validated)`.as('validated')])
    .where('s.video_id', 'in', videoIds)
    .groupBy('s.video_id')
    .execute();
  for (const r of rows) out.set(r.video_id, { validated: r.validated ?? 0, total: r.total });
  return out;
}
