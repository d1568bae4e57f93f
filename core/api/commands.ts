import { z } from 'zod';
import { checkCapabilities, type Capability, type CapabilityInputs, type CapabilityOutputs, type CommandDef } from '../capability.js';
import { capabilities } from '../capabilities.js';
import type { AnonymizeExportRecord, FailedImport, JobEvent, JobSummary, VideoDetail, VideoSummary } from './types.js';
import type { AnonymizationPlan } from '../anonymize/types.js';
import type { GateResult } from '../anonymize/gate.js';
import { anonymizeOptionsSchema, timedMaskSchema } from '../anonymize/types.js';
import { sourceOverridesSchema } from '../anonymize/sources.js';
import { anonymizeOutputSchema } from '../anonymize/job.js';
import type {
  AuditEntry,
  DeviceProfile,
  PatientFieldView,
  ProfileInfo,
  ProfileMatch,
  StoredEndoscopeRegion,
  StoredOcrResult,
} from './types.js';
import type { ModelInfo, PredictionRun, PredictionScores, Segment } from './types.js';
import type { ReviewChange, ReviewState, SegmentHistoryEntry } from './types.js';

/**
 * The core's command contract: name → input schema (validated at the boundary) and output type.
 * The CLI, the WebSocket bridge and Electron IPC all dispatch through `Core.call`, so every transport
 * gets the same validation. Capabilities add their commands here.
 */
const id = z.number().int().positive();
const videoRef = z.union([id, z.string().min(1)]);
const frame = z
  .number()
  .int()
  .min(0)
  .max(2 ** 31);
const patientField = z.enum(['last_name', 'first_name', 'dob', 'examination_date', 'examination_time', 'casenumber', 'device']);

export const commandInputs = {
  'library.info': z.object({}).strict(),
  'videos.import': z.object({ paths: z.array(z.string().min(1)).min(1).max(10000), copy: z.boolean().optional() }).strict(),
  'videos.list': z
    .object({
      search: z.string().max(500).optional(),
      state: z.enum(['imported', 'reviewed', 'anonymized', 'missing']).optional(),
      sort: z.enum(['name', 'imported', 'duration', 'size']).optional(),
      order: z.enum(['asc', 'desc']).optional(),
      limit: z.number().int().min(1).max(100000).optional(),
      offset: z.number().int().min(0).optional(),
    })
    .strict(),
  'videos.get': z.object({ video: videoRef }).strict(),
  'videos.resolve': z.object({ video: videoRef }).strict(),
  'jobs.list': z
    .object({
      states: z.array(z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled'])).optional(),
      videoId: id.optional(),
      kind: z.string().max(100).optional(),
      limit: z.number().int().min(1).max(5000).optional(),
    })
    .strict(),
  'jobs.get': z.object({ id }).strict(),
  'jobs.events': z.object({ id }).strict(),
  'jobs.enqueue': z.object({ kind: z.string().min(1).max(100), input: z.unknown() }).strict(),
  'jobs.cancel': z.object({ id }).strict(),
  'jobs.retry': z.object({ id }).strict(),
  'settings.get': z.object({}).strict(),
  'settings.set': z.object({ key: z.string().min(1).max(100), value: z.unknown() }).strict(),
  'anonymize.plan': z
    .object({
      video: videoRef,
      options: anonymizeOptionsSchema.partial().optional(),
      overrides: sourceOverridesSchema.optional(),
      timedMasks: z.array(timedMaskSchema).max(100000).optional(),
    })
    .strict(),
  'anonymize.start': z
    .object({
      video: videoRef,
      output: anonymizeOutputSchema,
      options: anonymizeOptionsSchema.partial().optional(),
      who: z.string().min(1).max(200).optional(),
      overrides: sourceOverridesSchema.optional(),
      timedMasks: z.array(timedMaskSchema).max(100000).optional(),
      verifyInterval: z.number().min(0.01).max(0.5).optional(),
    })
    .strict(),
  'anonymize.exports': z.object({ video: videoRef.optional(), limit: z.number().int().min(1).max(10000).optional() }).strict(),
  'anonymize.deleteOriginal': z.object({ video: videoRef }).strict(),
  // OCR and patient data
  'ocr.start': z
    .object({ video: videoRef, profile: z.string().min(1).max(100).optional(), samples: z.number().int().min(1).max(200).optional() })
    .strict(),
  'ocr.result': z.object({ video: videoRef, includeText: z.boolean().optional() }).strict(),
  'patient.get': z.object({ video: videoRef }).strict(),
  'patient.update': z
    .object({
      video: videoRef,
      set: z.partialRecord(patientField, z.string().min(1).max(200)).optional(),
      clear: z.array(patientField).optional(),
      verify: z.array(patientField).optional(),
      unverify: z.array(patientField).optional(),
    })
    .strict(),
  'patient.crop': z.object({ video: videoRef, field: patientField }).strict(),
  'patient.audit': z.object({ video: videoRef }).strict(),
  'profiles.list': z.object({}).strict(),
  'profiles.get': z.object({ name: z.string().min(1).max(100) }).strict(),
  'profiles.save': z.object({ profile: z.unknown() }).strict(),
  'profiles.delete': z.object({ name: z.string().min(1).max(100) }).strict(),
  'profiles.suggest': z.object({ video: videoRef }).strict(),
  'endoscope.get': z.object({ video: videoRef }).strict(),
  'endoscope.set': z
    .object({
      video: videoRef,
      region: z
        .object({
          x: z.number().int().min(0),
          y: z.number().int().min(0),
          width: z.number().int().positive(),
          height: z.number().int().positive(),
          shape: z.enum(['circle', 'octagon', 'rectangle']),
          cornerCut: z.number().min(0).max(0.5).optional(),
        })
        .strict(),
    })
    .strict(),
  'models.add': z.object({ manifestPath: z.string().min(1).max(4096), setDefault: z.boolean().optional() }).strict(),
  'models.list': z.object({}).strict(),
  'models.remove': z.object({ name: z.string().min(1).max(100) }).strict(),
  'models.setDefault': z.object({ name: z.string().min(1).max(100) }).strict(),
  /** fps: samples per second, 'all' = every frame; default from the predictSampleFps setting. */
  'predict.run': z
    .object({
      video: videoRef,
      model: z.string().min(1).max(100).optional(),
      fps: z.union([z.number().positive().max(240), z.literal('all')]).optional(),
      /** Endoscope region for models with `crop: "roi"` (until the OCR capability supplies it). */
      roi: z
        .object({ x: z.number().int().min(0), y: z.number().int().min(0), width: z.number().int().min(2), height: z.number().int().min(2) })
        .optional(),
    })
    .strict(),
  'predict.runs': z.object({ video: videoRef }).strict(),
  'predict.scores': z
    .object({ video: videoRef, model: z.string().min(1).max(100).optional(), maxPoints: z.number().int().min(10).max(100000).optional() })
    .strict(),
  /** Re-threshold / re-smooth a stored prediction (no inference); replaces that model's prediction segments. */
  'predict.resegment': z
    .object({
      video: videoRef,
      model: z.string().min(1).max(100),
      thresholds: z.record(z.string().min(1).max(100), z.number().min(0).max(1)).optional(),
      windowSeconds: z.number().min(0).max(600).optional(),
      minSegmentSeconds: z.number().min(0).max(36000).optional(),
      mergeGapSeconds: z.number().min(0).max(3600).optional(),
      hysteresis: z.number().min(0).max(1).optional(),
    })
    .strict(),
  'segments.list': z
    .object({
      video: videoRef,
      labels: z.array(z.string().min(1).max(100)).max(1000).optional(),
      model: z.string().min(1).max(100).optional(),
      sources: z.array(z.enum(['prediction', 'reviewer'])).optional(),
      validatedOnly: z.boolean().optional(),
      includeInactive: z.boolean().optional(),
    })
    .strict(),
  // Review (segment editing). Bounds are whole frames, half-open [startFrame, endFrame). A segment id is its
  // revision: an edit naming an id that another edit has replaced is refused with a `conflict` error.
  'segments.add': z
    .object({ video: videoRef, label: z.string().min(1).max(100), startFrame: frame, endFrame: frame, validated: z.boolean().optional() })
    .strict(),
  'segments.update': z
    .object({ video: videoRef, id, startFrame: frame.optional(), endFrame: frame.optional(), label: z.string().min(1).max(100).optional() })
    .strict(),
  'segments.split': z.object({ video: videoRef, id, frame }).strict(),
  'segments.merge': z.object({ video: videoRef, ids: z.array(id).min(2).max(1000) }).strict(),
  'segments.delete': z.object({ video: videoRef, ids: z.array(id).min(1).max(100000) }).strict(),
  'segments.validate': z.object({ video: videoRef, ids: z.array(id).min(1).max(100000), validated: z.boolean().optional() }).strict(),
  /** Validate every active segment of the video, or of one label (lane). */
  'segments.validateAll': z
    .object({ video: videoRef, label: z.string().min(1).max(100).optional(), validated: z.boolean().optional() })
    .strict(),
  /** expectedEntryId: the entry the caller means to undo/redo; refused (conflict) if the session moved on. */
  'segments.undo': z.object({ video: videoRef, expectedEntryId: id.optional() }).strict(),
  'segments.redo': z.object({ video: videoRef, expectedEntryId: id.optional() }).strict(),
  'segments.history': z.object({ video: videoRef, limit: z.number().int().min(1).max(100000).optional() }).strict(),
  'segments.export': z.object({ video: videoRef, format: z.enum(['json', 'csv']) }).strict(),
  'segments.import': z.object({ video: videoRef, format: z.enum(['json', 'csv']), text: z.string().max(50_000_000) }).strict(),
  'review.state': z.object({ video: videoRef }).strict(),
  /** Make the hover-preview sprite sheets (a job). */
  'review.sprites': z.object({ video: videoRef }).strict(),
} as const;

/** What the patient-data panel shows for a video. Values are decrypted patient data: never log them. */
export interface PatientData {
  videoId: number;
  fields: PatientFieldView[];
  /** Keyed pseudonym (HMAC) of last|first|dob; null until all three are known. */
  pseudonym: string | null;
  /** Other videos of the same patient (same pseudonym). */
  samePatientVideos: number[];
  profile: string | null;
  ocrAt: string | null;
  endoscope: StoredEndoscopeRegion | null;
}

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

export interface CommandOutputs {
  'library.info': LibraryInfo;
  'videos.import': ImportResult;
  'videos.list': { videos: VideoSummary[]; total: number; failedImports: FailedImport[] };
  'videos.get': VideoDetail;
  'videos.resolve': { videoId: number };
  'jobs.list': JobSummary[];
  'jobs.get': JobSummary;
  'jobs.events': JobEvent[];
  'jobs.enqueue': { job: JobSummary; existing: boolean };
  'jobs.cancel': JobSummary;
  'jobs.retry': { job: JobSummary; existing: boolean };
  'settings.get': Record<string, unknown>;
  'settings.set': Record<string, unknown>;
  'anonymize.plan': {
    videoId: number;
    plan: AnonymizationPlan;
    gate: GateResult;
    origin: { region: string; textBoxes: string; segments: string; patient: string };
  };
  'anonymize.start': { job: JobSummary; existing: boolean };
  'anonymize.exports': AnonymizeExportRecord[];
  'anonymize.deleteOriginal': { videoId: number; deleted: string };
  'ocr.start': { job: JobSummary; existing: boolean };
  'ocr.result': (StoredOcrResult & { endoscope: StoredEndoscopeRegion | null }) | null;
  'patient.get': PatientData;
  'patient.update': PatientData;
  'patient.crop': { field: string; png: string | null };
  'patient.audit': AuditEntry[];
  'profiles.list': ProfileInfo[];
  'profiles.get': ProfileInfo;
  'profiles.save': DeviceProfile;
  'profiles.delete': { deleted: string };
  'profiles.suggest': ProfileMatch[];
  'endoscope.get': StoredEndoscopeRegion | null;
  'endoscope.set': StoredEndoscopeRegion;
  'models.add': ModelInfo;
  'models.list': ModelInfo[];
  'models.remove': { removed: string };
  'models.setDefault': ModelInfo;
  'predict.run': { job: JobSummary; existing: boolean; model: string; sampleFps: number | null };
  'predict.runs': PredictionRun[];
  'predict.scores': PredictionScores | null;
  'predict.resegment': { params: unknown; segments: number };
  'segments.list': Segment[];
  'segments.add': ReviewChange;
  'segments.update': ReviewChange;
  'segments.split': ReviewChange;
  'segments.merge': ReviewChange;
  'segments.delete': ReviewChange;
  'segments.validate': ReviewChange;
  'segments.validateAll': ReviewChange;
  'segments.undo': ReviewChange;
  'segments.redo': ReviewChange;
  'segments.history': SegmentHistoryEntry[];
  'segments.export': { text: string; count: number };
  'segments.import': ReviewChange & { added: number; skipped: number };
  'review.state': ReviewState;
  'review.sprites': { job: JobSummary; existing: boolean };
}

export type LegacyCommandName = keyof typeof commandInputs & keyof CommandOutputs;
type LegacyInputs = { [N in LegacyCommandName]: z.input<(typeof commandInputs)[N]> };

/** Commands of every `Capability` in `core/capabilities.ts`, composed into one map (a type intersection). */
type Each<T extends readonly Capability[]> = T[number];
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
type CapabilityList = typeof capabilities;
type CapInputs = [Each<CapabilityList>] extends [never] ? object : UnionToIntersection<CapabilityInputs<Each<CapabilityList>>>;
type CapOutputs = [Each<CapabilityList>] extends [never] ? object : UnionToIntersection<CapabilityOutputs<Each<CapabilityList>>>;

export type AllInputs = LegacyInputs & CapInputs;
export type AllOutputs = CommandOutputs & CapOutputs;
export type CommandName = LegacyCommandName | (keyof CapInputs & keyof CapOutputs & string);
export type CommandInput<N extends CommandName> = N extends keyof AllInputs ? AllInputs[N] : never;
export type CommandOutput<N extends CommandName> = N extends keyof AllOutputs ? AllOutputs[N] : never;

const capabilityCommands: Record<string, CommandDef> = Object.assign(
  {},
  ...(capabilities as readonly Capability[]).map((c) => c.commands),
) as Record<string, CommandDef>;
checkCapabilities(capabilities as readonly Capability[], Object.keys(commandInputs));

export const commandNames = [...Object.keys(commandInputs), ...Object.keys(capabilityCommands)] as CommandName[];

export function isCommandName(name: string): name is CommandName {
  return Object.prototype.hasOwnProperty.call(commandInputs, name) || Object.prototype.hasOwnProperty.call(capabilityCommands, name);
}

/** The definition of a command that a `Capability` owns, or null for the commands not yet moved into one. */
export function capabilityCommand(name: string): CommandDef | null {
  return Object.prototype.hasOwnProperty.call(capabilityCommands, name) ? capabilityCommands[name]! : null;
}
