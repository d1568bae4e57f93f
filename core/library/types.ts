export interface LibraryInfo {
  dataDir: string;
  databaseFile: string;
  schemaVersion: number;
  ffmpeg: { path: string; version: string; source: string };
  ffprobe: { path: string; version: string; source: string };
  jobKinds: string[];
  runsJobs: boolean;
}

export interface ImportResult {
  /** One entry per file found: the import job that handles it (existing = already queued or running). */
  jobs: Array<{ path: string; jobId: number; existing: boolean }>;
  /** Folders that could not be read. */
  errors: Array<{ path: string; message: string }>;
}
