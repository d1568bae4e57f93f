import type { Generated } from 'kysely';

/** Table types for kysely. JSON columns are stored as TEXT and parsed at the edges. */
export interface VideosTable {
  id: Generated<number>;
  path: string;
  original_path: string;
  name: string;
  size: number;
  mtime_ms: number;
  sha256: string;
  copied: number;
  container: string;
  duration: number;
  fps_num: number | null;
  fps_den: number | null;
  avg_frame_rate: string | null;
  r_frame_rate: string | null;
  frame_count_estimate: number | null;
  frame_count: number | null;
  width: number;
  height: number;
  display_width: number;
  display_height: number;
  rotation: number;
  pixel_format: string | null;
  video_codec: string | null;
  audio_streams: number;
  subtitle_streams: number;
  variable_frame_rate: number;
  metadata_json: string;
  state: string;
  imported_at: string;
  updated_at: string;
}

export interface JobsTable {
  id: Generated<number>;
  kind: string;
  video_id: number | null;
  dedupe_key: string;
  input_json: string;
  output_json: string | null;
  state: string;
  progress: number;
  stage: string | null;
  eta_seconds: number | null;
  attempts: number;
  max_attempts: number;
  error_json: string | null;
  cancel_requested: number;
  runner_id: string | null;
  runner_pid: number | null;
  heartbeat_at: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  /** Migration 55 (core/jobs/migrations.ts): the runner that will run it; the job whose success created it. */
  owner_runner: string | null;
  parent_id: number | null;
}

export interface JobEventsTable {
  id: Generated<number>;
  job_id: number;
  at: string;
  type: string;
  data_json: string | null;
}

export interface ArtifactsTable {
  id: Generated<number>;
  video_id: number;
  kind: string;
  path: string;
  meta_json: string | null;
  created_at: string;
}

export interface SettingsTable {
  key: string;
  value_json: string;
  updated_at: string;
}

/** Settings that name a patient's folders (migration 42): like `settings`, but `value_json` is stored sealed. */
export interface SealedSettingsTable {
  key: string;
  value_json: string;
  updated_at: string;
}

export interface AnonymizeExportsTable {
  id: Generated<number>;
  video_id: number;
  video_sha256: string;
  job_id: number | null;
  who: string;
  state: string;
  output_path: string;
  temp_path: string | null;
  output_sha256: string | null;
  output_size: number | null;
  options_json: string;
  plan_json: string | null;
  verification_json: string | null;
  error_json: string | null;
  /** JSON string[]: the render's ffmpeg command line (migration 54). */
  command_json: string | null;
  started_at: string;
  finished_at: string | null;
}

export interface ModelsTable {
  id: Generated<number>;
  name: string;
  version: string;
  task: string;
  labels_json: string;
  manifest_json: string;
  file: string;
  sha256: string;
  size: number;
  builtin: number;
  is_default: number;
  added_at: string;
  updated_at: string;
}

export interface PredictionRunsTable {
  id: Generated<number>;
  video_id: number;
  model_name: string;
  model_version: string;
  model_sha256: string;
  labels_json: string;
  params_json: string;
  sample_fps: number | null;
  samples: number;
  scores_path: string;
  job_id: number | null;
  created_at: string;
}

export interface SegmentsTable {
  id: Generated<number>;
  video_id: number;
  label: string;
  start_frame: number;
  end_frame: number;
  start_time: number;
  end_time: number;
  source: 'prediction' | 'reviewer';
  model: string | null;
  model_version: string | null;
  run_id: number | null;
  params_json: string | null;
  mean_score: number | null;
  max_score: number | null;
  validated: number;
  supersedes_id: number | null;
  deleted: number;
  created_at: string;
  updated_at: string;
  created_by: string | null;
}

/**
 * The columns of an append-only edit history (core/db/edit-history.ts): one entry per change of a video, with
 * what it showed before and after and the rows it inserted and removed (for undo/redo). Segment review's
 * history is exactly this; subtitles' adds the track (core/subtitles/tables.ts).
 */
export type EditHistoryTable = {
  id: Generated<number>;
  video_id: number;
  at: string;
  who: string;
  op: string;
  before_json: string;
  after_json: string;
  inserted_json: string;
  removed_json: string;
  undo_of: number | null;
  redo_of: number | null;
};

export type SegmentHistoryTable = EditHistoryTable;

export interface PatientKeyCheckTable {
  id: number;
  key_id: string;
  created_at: string;
}

/** One patient field of a video; the value (and the crop it was read from) AES-256-GCM encrypted. */
export interface PatientFieldsTable {
  video_id: number;
  field: string;
  value_enc: Buffer;
  confidence: number | null;
  frame: number | null;
  box_json: string | null;
  crop_enc: Buffer | null;
  source: string;
  verified: number;
  updated_at: string;
}

export interface PatientIdentityTable {
  video_id: number;
  pseudonym: string;
  updated_at: string;
}

export interface PatientAuditTable {
  id: Generated<number>;
  video_id: number;
  field: string;
  action: string;
  who: string;
  at: string;
  old_enc: Buffer | null;
  new_enc: Buffer | null;
}

export interface OcrResultsTable {
  video_id: number;
  profile: string | null;
  frame_width: number;
  frame_height: number;
  sampled_frames_json: string;
  /** Text regions without their text (geometry only). */
  regions_json: string;
  /** The regions' texts, encrypted (they may be patient data). */
  texts_enc: Buffer;
  job_id: number | null;
  created_at: string;
}

export interface EndoscopeRegionsTable {
  video_id: number;
  x: number;
  y: number;
  width: number;
  height: number;
  shape: string;
  corner_cut: number | null;
  fill: number | null;
  frame_width: number;
  frame_height: number;
  source: string;
  updated_at: string;
}

export interface OcrProfilesTable {
  name: string;
  profile_json: string;
  created_at: string;
  updated_at: string;
}

export interface Database {
  videos: VideosTable;
  jobs: JobsTable;
  job_events: JobEventsTable;
  artifacts: ArtifactsTable;
  settings: SettingsTable;
  sealed_settings: SealedSettingsTable;
  anonymize_exports: AnonymizeExportsTable;
  models: ModelsTable;
  prediction_runs: PredictionRunsTable;
  segments: SegmentsTable;
  segment_history: SegmentHistoryTable;
  patient_key_check: PatientKeyCheckTable;
  patient_fields: PatientFieldsTable;
  patient_identity: PatientIdentityTable;
  patient_audit: PatientAuditTable;
  ocr_results: OcrResultsTable;
  endoscope_regions: EndoscopeRegionsTable;
  ocr_profiles: OcrProfilesTable;
}
