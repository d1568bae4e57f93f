export type SegmentSource = 'prediction' | 'reviewer';

/** A time segment of a label: half-open [start, end) seconds and [startFrame, endFrame) frames. */
export interface Segment {
  id: number;
  videoId: number;
  label: string;
  start: number;
  end: number;
  startFrame: number;
  endFrame: number;
  source: SegmentSource;
  model: string | null;
  modelVersion: string | null;
  meanScore: number | null;
  maxScore: number | null;
  validated: boolean;
  supersedesId: number | null;
  deleted: boolean;
  params: unknown;
  createdAt: string;
  updatedAt: string;
  createdBy: string | null;
}

/** Segment review progress: validated active segments / all active segments. */
export interface ReviewProgress {
  validated: number;
  total: number;
}
