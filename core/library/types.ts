import type { FeatureStatus, FfmpegFeature, ToolBinary } from '../ffmpeg/index.js';

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
