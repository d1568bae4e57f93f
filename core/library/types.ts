/** Plain data types that cross the core's boundary (JSON-serializable, no classes). */
import type { FeatureStatus, FfmpegFeature, ToolBinary } from '../ffmpeg/index.js';
import type { ReviewProgress } from '../segments/types.js';
import type { SerializedError } from '../util/errors.js';

export type { ReviewProgress };

export interface LibraryInfo {
  dataDir: string;
  databaseFile: string;
  schemaVersion: number;
  /** The ffmpeg/ffprobe in use: where from, why chosen, build year (see core/ffmpeg/binaries.ts). */
  ffmpeg: ToolBinary;
  ffprobe: ToolBinary;
  /** Old builds and features disabled for a missing encoder/filter, one sentence each. */
  ffmpegWarnings: string[];
  ffmpegFeatures: Record<FfmpegFeature, FeatureStatus>;
  jobKinds: string[];
  runsJobs: boolean;
}

export interface ImportResult {
  /** One entry per file found: the import job that handles it (existing = already queued or running). */
  jobs: Array<{ path: string; jobId: number; existing: boolean }>;
  /** Folders that could not be read. */
  errors: Array<{ path: string; message: string }>;
}

export type VideoState = 'imported' | 'reviewed' | 'anonymized' | 'missing';

export interface FractionText {
  /** Exact rational as ffprobe reports it, e.g. "30000/1001". */
  text: string;
  num: number;
  den: number;
  value: number;
}

export interface VideoSummary {
  id: number;
  name: string;
  path: string;
  originalPath: string;
  copied: boolean;
  size: number;
  sha256: string;
  container: string;
  duration: number;
  fps: FractionText | null;
  avgFrameRate: string | null;
  rFrameRate: string | null;
  frameCount: number | null;
  frameCountExact: boolean;
  width: number;
  height: number;
  displayWidth: number;
  displayHeight: number;
  rotation: number;
  pixelFormat: string | null;
  videoCodec: string | null;
  audioStreams: number;
  subtitleStreams: number;
  variableFrameRate: boolean;
  state: VideoState;
  /** Jobs queued or running for this video right now. */
  activeJobs: number;
  /** The last job for this video failed (and nothing succeeded after it). */
  lastJobFailed: boolean;
  /** Artifact id of the thumbnail (the transport turns it into a URL). */
  thumbnailArtifactId: number | null;
  importedAt: string;
  /** Segment review progress: validated active segments / all active segments (review capability). */
  review: ReviewProgress;
}

export interface ArtifactInfo {
  id: number;
  kind: string;
  path: string;
  meta: unknown;
  createdAt: string;
}

export interface VideoDetail extends VideoSummary {
  metadata: unknown;
  artifacts: ArtifactInfo[];
}

export interface FailedImport {
  path: string;
  jobId: number;
  error: SerializedError;
  at: string;
}

/** Events of the library capability. */
export type LibraryEvent =
  | { type: 'video.added'; video: VideoSummary }
  | { type: 'video.changed'; video: VideoSummary }
  | { type: 'video.removed'; videoId: number };
