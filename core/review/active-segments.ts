import type BetterSqlite3 from 'better-sqlite3';
import type { LibraryDb } from '../db/open.js';
import type { SegmentSource } from '../segments/types.js';
import type { TimelineSegment } from './types.js';

/** Columns in the order `toTimelineSegment` reads them (raw rows: arrays, no per-row key objects). */
const COLUMNS = 's.id, s.label, s.start_time, s.end_time, s.start_frame, s.end_frame, s.source, s.mean_score, s.max_score, s.validated';

/** The same rule and order as `getSegments` (core/segments/store.ts): active rows by label, start frame, id. */
const SQL =
  `SELECT ${COLUMNS} FROM segments AS s WHERE s.video_id = ? AND s.deleted = 0 ` +
  'AND NOT EXISTS (SELECT x.id FROM segments AS x WHERE x.supersedes_id = s.id) ORDER BY s.label, s.start_frame, s.id';

type RawRow = [number, string, number, number, number, number, SegmentSource, number | null, number | null, number];

function toTimelineSegment(r: RawRow): TimelineSegment {
  return Object.freeze({
    id: r[0],
    label: r[1],
    start: r[2],
    end: r[3],
    startFrame: r[4],
    endFrame: r[5],
    source: r[6],
    meanScore: r[7],
    maxScore: r[8],
    validated: r[9] === 1,
  });
}

interface Snapshot {
  version: number;
  videoId: number;
  segments: readonly TimelineSegment[];
}

/** The last few videos read per open library (a reviewer moves between a handful of videos). */
const KEEP = 3;
const snapshots = new WeakMap<object, { statement: BetterSqlite3.Statement<[number], RawRow>; last: Snapshot[] }>();

/**
 * The active segments of a video for `review.state`: the list `getSegments(db, id)` returns (same rule, same order)
 * with the fields the timeline uses. Profiled with 2,000 segments: most of review.state's CPU was building rows
 * (every column of each row as an object in better-sqlite3, copied again by the query builder's result plugin, again
 * as a Segment) and its answer was 720 KB of JSON. This reads only those columns as raw rows (arrays) on the reader
 * connection with one cached statement, and keeps the frozen result while nothing was
 * committed to the library since: SQLite's `data_version` on the reader changes with every commit of any other
 * connection (this process's writer and other processes alike), the same rule as the name index
 * (core/library/name-index.ts). Segments hold no sealed column, so the raw read skips nothing the plugin would open.
 */
export function activeSegmentsSnapshot(db: Pick<LibraryDb, 'readerRaw'>, videoId: number): readonly TimelineSegment[] {
  let entry = snapshots.get(db);
  if (!entry) {
    entry = { statement: db.readerRaw.prepare<[number], RawRow>(SQL).raw(true), last: [] };
    snapshots.set(db, entry);
  }
  const version = db.readerRaw.pragma('data_version', { simple: true }) as number;
  const hit = entry.last.find((s) => s.videoId === videoId);
  if (hit && hit.version === version) return hit.segments;
  const segments = Object.freeze(entry.statement.all(videoId).map(toTimelineSegment));
  entry.last = [{ version, videoId, segments }, ...entry.last.filter((s) => s.videoId !== videoId)].slice(0, KEEP);
  return segments;
}
