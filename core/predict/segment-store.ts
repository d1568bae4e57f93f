import type { Transaction } from 'kysely';
import { nowIso } from '../db/open.js';
import type { Database } from '../db/schema.js';
import type { ComputedSegment, SegmentParams } from './segments.js';

/**
 * Replace one model's prediction segments on a video, in the caller's transaction. Reviewer rows are never
 * touched; prediction rows a reviewer row supersedes stay as the history of that edit; new predictions that
 * overlap a span a reviewer ruled on (same label) are not added. Returns how many were stored.
 */
export async function replacePredictionSegments(
  trx: Transaction<Database>,
  args: {
    videoId: number;
    model: string;
    modelVersion: string;
    runId: number;
    params: SegmentParams & { sampleFps: number | null };
    segments: ComputedSegment[];
  },
): Promise<number> {
  await trx
    .deleteFrom('segments')
    .where('video_id', '=', args.videoId)
    .where('source', '=', 'prediction')
    .where('model', '=', args.model)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('segments as r').select('r.id').whereRef('r.supersedes_id', '=', 'segments.id'))))
    .execute();
  // Spans a reviewer has ruled on (edited, created or deleted), per label: a re-run must not bring back a
  // prediction there next to (or instead of) the reviewer's decision.
  const reviewed = await trx
    .selectFrom('segments as r')
    .leftJoin('segments as p', 'p.id', 'r.supersedes_id')
    .select(['r.label', 'r.start_frame', 'r.end_frame', 'p.label as origLabel', 'p.start_frame as origStart', 'p.end_frame as origEnd'])
    .where('r.video_id', '=', args.videoId)
    .where('r.source', '=', 'reviewer')
    .execute();
  const ruled = new Map<string, Array<[number, number]>>();
  const rule = (label: string, start: number, end: number) => {
    const list = ruled.get(label) ?? [];
    list.push([start, end]);
    ruled.set(label, list);
  };
  for (const r of reviewed) {
    rule(r.label, r.start_frame, r.end_frame);
    if (r.origLabel !== null && r.origStart !== null && r.origEnd !== null) rule(r.origLabel, r.origStart, r.origEnd);
  }
  const fresh = args.segments.filter((s) => !(ruled.get(s.label) ?? []).some(([a, b]) => s.startFrame < b && a < s.endFrame));
  const now = nowIso();
  const paramsJson = JSON.stringify(args.params);
  const rows = fresh.map((s) => ({
    video_id: args.videoId,
    label: s.label,
    start_frame: s.startFrame,
    end_frame: s.endFrame,
    start_time: s.start,
    end_time: s.end,
    source: 'prediction' as const,
    model: args.model,
    model_version: args.modelVersion,
    run_id: args.runId,
    params_json: paramsJson,
    mean_score: s.meanScore,
    max_score: s.maxScore,
    validated: 0,
    supersedes_id: null,
    deleted: 0,
    created_at: now,
    updated_at: now,
    created_by: `model:${args.model}@${args.modelVersion}`,
  }));
  for (let i = 0; i < rows.length; i += 200)
    await trx
      .insertInto('segments')
      .values(rows.slice(i, i + 200))
      .execute();
  return rows.length;
}
