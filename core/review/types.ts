/** Plain data types that cross the core's boundary (JSON-serializable, no classes). */
import type { ReviewProgress, Segment } from '../segments/types.js';

/** What a history entry did (review capability). */
export type SegmentOp = 'add' | 'update' | 'split' | 'merge' | 'delete' | 'validate' | 'unvalidate' | 'import' | 'undo' | 'redo';

/** One change to a video's segments, as recorded in the append-only history. */
export interface SegmentHistoryEntry {
  id: number;
  videoId: number;
  at: string;
  /** The reviewer name from settings. */
  who: string;
  op: SegmentOp;
  /** Active segments the change replaced (removed from the timeline). */
  before: Segment[];
  /** Active segments the change produced (added to the timeline). */
  after: Segment[];
  /** For op 'undo': the entry undone; for op 'redo': the undo entry reversed. */
  undoOf: number | null;
  redoOf: number | null;
}

/** Undo/redo position of a video's review session. */
export interface ReviewUndoState {
  /** The entry `segments.undo` would reverse (null = nothing to undo). */
  undoEntryId: number | null;
  undoOp: SegmentOp | null;
  redoEntryId: number | null;
  redoOp: SegmentOp | null;
  /** The newest history entry of the video. */
  lastEntryId: number | null;
}

/** The result of an edit: the entry written (null when nothing changed), undo state and progress after it. */
export interface ReviewChange extends ReviewUndoState {
  entry: SegmentHistoryEntry | null;
  progress: ReviewProgress;
}

/**
 * A segment as the timeline draws and edits it: the fields of `Segment` the review UI reads. `review.state` sends
 * these (about 40 % of a full Segment's JSON with 2,000 segments); a full `Segment` (edit results, history) is one.
 */
export type TimelineSegment = Pick<
  Segment,
  'id' | 'label' | 'start' | 'end' | 'startFrame' | 'endFrame' | 'source' | 'meanScore' | 'maxScore' | 'validated'
>;

/** Everything the timeline needs about a video's segments. */
export interface ReviewState extends ReviewUndoState {
  videoId: number;
  fps: { num: number; den: number };
  frameCount: number;
  duration: number;
  /** The active segments (what `segments.list` returns), in its order, with the timeline's fields. */
  segments: TimelineSegment[];
  progress: ReviewProgress;
  /** Labels in lane order: the latest prediction's labels, then any other label with segments. */
  labels: string[];
  /** The hover-preview sprite sheets, when made. */
  sprites: SpriteIndex | null;
}

/** Index of a video's thumbnail sprite sheets (one ffmpeg pass, `tile=COLSxROWS`). */
export interface SpriteIndex {
  /** Seconds between thumbnails (thumbnail i shows the frame at about i × interval + interval / 2). */
  interval: number;
  count: number;
  tileWidth: number;
  tileHeight: number;
  columns: number;
  rows: number;
  /** Artifact id of each sheet, in order (the transport turns them into URLs). */
  sheets: number[];
}

/** Events of the review capability: a reviewer changed a video's segments (`entry` is the history entry just written). */
export type ReviewEvent = { type: 'segments.changed'; videoId: number; entry: SegmentHistoryEntry };
