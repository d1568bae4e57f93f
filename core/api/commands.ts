import { z } from 'zod';
import type { FailedImport, JobEvent, JobSummary, VideoDetail, VideoSummary } from './types.js';
import type {
  AuditEntry,
  DeviceProfile,
  PatientFieldView,
  ProfileInfo,
  ProfileMatch,
  StoredEndoscopeRegion,
  StoredOcrResult,
} from './types.js';

/**
 * The core's command contract: name → input schema (validated at the boundary) and output type.
 * The CLI, the WebSocket bridge and Electron IPC all dispatch through `Core.call`, so every transport
 * gets the same validation. Capabilities add their commands here.
 */
const id = z.number().int().positive();
const videoRef = z.union([id, z.string().min(1)]);
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
}

export type CommandName = keyof typeof commandInputs & keyof CommandOutputs;
export type CommandInput<N extends CommandName> = z.input<(typeof commandInputs)[N]>;
export type CommandOutput<N extends CommandName> = CommandOutputs[N];
export const commandNames = Object.keys(commandInputs) as CommandName[];

export function isCommandName(name: string): name is CommandName {
  return Object.prototype.hasOwnProperty.call(commandInputs, name);
}
