/**
 * Every plain data type that crosses the core's boundary (CLI, WebSocket bridge, Electron IPC, renderer), from
 * the capability that owns it. Only JSON-serializable values; no classes. The renderer imports types from here.
 */
export type { SerializedError } from '../util/errors.js';
export type { CoreEvent } from '../events/types.js';
export type { JobEvent, JobRunnerInfo, JobState, JobSummary } from '../jobs/types.js';
export type {
  ArtifactInfo,
  FailedImport,
  FractionText,
  ImportResult,
  LibraryInfo,
  VideoDetail,
  VideoState,
  VideoSummary,
} from '../library/types.js';
export type { ReviewProgress, Segment, SegmentSource } from '../segments/types.js';
export type { ModelInfo, PredictionRun, PredictionScores } from '../predict/types.js';
export type {
  ReviewChange,
  ReviewState,
  ReviewUndoState,
  SegmentHistoryEntry,
  SegmentOp,
  SpriteIndex,
  TimelineSegment,
} from '../review/types.js';
export type { AnonymizationPlan, AnonymizeOptions, TimedMask } from '../anonymize/types.js';
export type { VerificationFinding, VerificationResult } from '../anonymize/verify.js';
export type { GateResult as AnonymizeGate } from '../anonymize/gate.js';
export type { AnonymizeExportRecord } from '../anonymize/commands.js';
export type { AnonymizeJobOutput } from '../anonymize/job.js';
export type { PatientFieldView, AuditEntry } from '../patient/store.js';
export type { PatientField } from '../patient/fields.js';
export type { StoredEndoscopeRegion, StoredOcrResult, StoredTextRegion } from '../ocr/store.js';
export type { DeviceProfile, ProfileInfo, ProfileMatch } from '../ocr/profiles.js';
export type { EndoscopeRegion, MaskShape, MeasuredEndoscopeRegion } from '../ocr/endoscope.js';
export type { PreviewKind, PreviewWarning } from '../ocr/preview-refresh.js';
export type { OcrJobOutput } from '../ocr/ocr-job.js';
// Types the renderer's editor screens use (the renderer imports only from core/api).
export type { Clip, ClipState, ExportedFile } from '../clips/index.js';
export type { StoredCue } from '../subtitles/types.js';
export type { CueWarning } from '../subtitles/checks.js';
export type { EmbeddedStream } from '../subtitles/io.js';
export type { NearDuplicatePair, SimilarClip, SimilarSearch } from '../similar/index.js';
