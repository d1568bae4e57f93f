/**
 * Plain data types that cross the core's boundary (CLI, WebSocket bridge, Electron IPC, renderer).
 * Only JSON-serializable values; no classes.
 */
import type { SerializedError } from '../util/errors.js';
import type { ReviewProgress, Segment } from '../segments/types.js';

export type { SerializedError };

export type VideoState = 'imported' | 'reviewed' | 'anonymized' | 'missing';
/** `interrupted` is derived, never stored: a `running` job whose process died (until a runner re-queues it). */
export type JobState = 'queued' | 'running' | 'interrupted' | 'succeeded' | 'failed' | 'cancelled';

/** A process that runs jobs on this library (the app, `framewise serve`, a one-shot CLI command). */
export interface JobRunnerInfo {
  id: string;
  role: 'app' | 'serve' | 'cli';
  /** e.g. "framewise import". */
  label: string;
  host: string;
  pid: number;
  /** 'all': runs any job no other live process owns; 'own': only its own jobs (a one-shot CLI command). */
  scope: 'all' | 'own';
}

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

export type { ReviewProgress, Segment, SegmentSource } from '../segments/types.js';

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

export interface JobSummary {
  id: number;
  kind: string;
  videoId: number | null;
  state: JobState;
  progress: number;
  stage: string | null;
  etaSeconds: number | null;
  attempts: number;
  maxAttempts: number;
  input: unknown;
  output: unknown;
  error: SerializedError | null;
  cancelRequested: boolean;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** The job whose success created this one (a follow-up), if any. */
  parentId: number | null;
  /**
   * Queued or running jobs (filled by `jobs.list` / `jobs.get`): the live process that runs it, or will run it;
   * null = no live process will (it waits for the next app, `serve` or `framewise jobs --run`).
   */
  runBy?: JobRunnerInfo | null;
}

export interface JobEvent {
  id: number;
  jobId: number;
  at: string;
  type: string;
  data: unknown;
}

export interface FailedImport {
  path: string;
  jobId: number;
  error: SerializedError;
  at: string;
}

export type { AnonymizationPlan, AnonymizeOptions } from '../anonymize/types.js';
export type { VerificationFinding, VerificationResult } from '../anonymize/verify.js';
export type { GateResult as AnonymizeGate } from '../anonymize/gate.js';
export type { AnonymizeJobOutput } from '../anonymize/job.js';

/** One anonymization export as recorded in the audit trail (who, when, plan, verification, output hash). */
export interface AnonymizeExportRecord {
  id: number;
  videoId: number;
  videoSha256: string;
  jobId: number | null;
  who: string;
  state: 'running' | 'verified' | 'rejected' | 'failed' | 'cancelled';
  outputPath: string;
  outputSha256: string | null;
  outputSize: number | null;
  options: unknown;
  plan: import('../anonymize/types.js').AnonymizationPlan | null;
  verification: import('../anonymize/verify.js').VerificationResult | null;
  error: SerializedError | null;
  startedAt: string;
  finishedAt: string | null;
}

export type CoreEvent =
  | { type: 'job.state'; job: JobSummary }
  | { type: 'job.progress'; jobId: number; videoId: number | null; progress: number; stage: string | null; etaSeconds: number | null }
  | { type: 'video.added'; video: VideoSummary }
  | { type: 'video.changed'; video: VideoSummary }
  | { type: 'video.removed'; videoId: number }
  | { type: 'settings.changed'; key: string; value: unknown }
  | { type: 'data.changed'; videoId: number; topic: string }
  /** A reviewer changed a video's segments (review capability): `entry` is the history entry just written. */
  | { type: 'segments.changed'; videoId: number; entry: SegmentHistoryEntry };

// --- OCR and patient data (issue 5) ---
export type { PatientFieldView, AuditEntry } from '../patient/store.js';
export type { PatientField } from '../patient/fields.js';
export type { StoredEndoscopeRegion, StoredOcrResult, StoredTextRegion } from '../ocr/store.js';
export type { DeviceProfile, ProfileInfo, ProfileMatch } from '../ocr/profiles.js';
export type { EndoscopeRegion, MaskShape } from '../ocr/endoscope.js';
/** A prediction model in the library (prediction capability). */
export interface ModelInfo {
  name: string;
  version: string;
  task: 'multilabel' | 'multiclass';
  labels: string[];
  sha256: string;
  size: number;
  builtin: boolean;
  isDefault: boolean;
  input: { width: number; height: number; layout: 'NCHW' | 'NHWC'; colorOrder: 'RGB' | 'BGR'; resize: 'stretch' | 'letterbox' };
  thresholds: Record<string, number>;
  smoothing: { windowSeconds: number; minSegmentSeconds: number; mergeGapSeconds: number; hysteresis: number };
  addedAt: string;
}

/** The latest prediction of one model on a video (its scores file is kept; re-smoothing never re-runs inference). */
export interface PredictionRun {
  id: number;
  videoId: number;
  model: string;
  modelVersion: string;
  labels: string[];
  sampleFps: number | null;
  samples: number;
  params: unknown;
  jobId: number | null;
  createdAt: string;
}

/** Score curves of one prediction run, downsampled for display (max per bucket, so short peaks stay visible). */
export interface PredictionScores {
  videoId: number;
  model: string;
  modelVersion: string;
  labels: string[];
  thresholds: Record<string, number>;
  sampleFps: number | null;
  samples: number;
  /** Bucket start times, seconds. */
  times: number[];
  /** One array per label, aligned with `times`. */
  scores: number[][];
  createdAt: string;
}

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

/** Everything the timeline needs about a video's segments. */
export interface ReviewState extends ReviewUndoState {
  videoId: number;
  fps: { num: number; den: number };
  frameCount: number;
  duration: number;
  segments: Segment[];
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

// --- Types the renderer's editor screens use (the renderer imports only from core/api) ---
export type { Clip, ClipState, ExportedFile } from '../clips/index.js';
export type { StoredCue } from '../subtitles/types.js';
export type { CueWarning } from '../subtitles/checks.js';
export type { EmbeddedStream } from '../subtitles/io.js';
