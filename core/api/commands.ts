import { z } from 'zod';
import type { AnonymizeExportRecord, FailedImport, JobEvent, JobSummary, VideoDetail, VideoSummary } from './types.js';
import type { AnonymizationPlan } from '../anonymize/types.js';
import type { GateResult } from '../anonymize/gate.js';
import { anonymizeOptionsSchema } from '../anonymize/types.js';
import { sourceOverridesSchema } from '../anonymize/sources.js';
import { anonymizeOutputSchema } from '../anonymize/job.js';

/**
 * The core's command contract: name → input schema (validated at the boundary) and output type.
 * The CLI, the WebSocket bridge and Electron IPC all dispatch through `Core.call`, so every transport
 * gets the same validation. Capabilities add their commands here.
 */
const id = z.number().int().positive();
const videoRef = z.union([id, z.string().min(1)]);

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
    .object({ video: videoRef, options: anonymizeOptionsSchema.partial().optional(), overrides: sourceOverridesSchema.optional() })
    .strict(),
  'anonymize.start': z
    .object({
      video: videoRef,
      output: anonymizeOutputSchema,
      options: anonymizeOptionsSchema.partial().optional(),
      who: z.string().min(1).max(200).optional(),
      overrides: sourceOverridesSchema.optional(),
      verifyInterval: z.number().min(0.01).max(60).optional(),
    })
    .strict(),
  'anonymize.exports': z.object({ video: videoRef.optional(), limit: z.number().int().min(1).max(10000).optional() }).strict(),
  'anonymize.deleteOriginal': z.object({ video: videoRef }).strict(),
} as const;

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
}

export type CommandName = keyof typeof commandInputs & keyof CommandOutputs;
export type CommandInput<N extends CommandName> = z.input<(typeof commandInputs)[N]>;
export type CommandOutput<N extends CommandName> = CommandOutputs[N];
export const commandNames = Object.keys(commandInputs) as CommandName[];

export function isCommandName(name: string): name is CommandName {
  return Object.prototype.hasOwnProperty.call(commandInputs, name);
}
