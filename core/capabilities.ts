import type { Capability } from './capability.js';
import type { AnyJobKind } from './jobs/kind.js';
import { migrations as coreMigrations, type Migration } from './db/migrations.js';
import { importJob } from './library/import-job.js';
import { frameCountJob, verifyDecodeJob } from './library/video-jobs.js';
import { ocrJob } from './ocr/ocr-job.js';
import { predictJob } from './predict/predict-job.js';
import { spritesJob } from './review/sprites-job.js';
import { anonymizeJob } from './anonymize/job.js';
import { timedMasksCapability } from './timed-masks/index.js';

/**
 * Every capability, in dependency order (a capability may use those before it). Adding a capability is one
 * line here plus its own folder. Entries are `as const` so the client type knows each command.
 */
export const capabilities = [timedMasksCapability] as const satisfies readonly Capability[];

/** Job kinds of the capabilities that predate `Capability` (being moved into it), then every capability's. */
export const jobKinds: AnyJobKind[] = [
  importJob,
  frameCountJob,
  verifyDecodeJob,
  ocrJob,
  predictJob,
  spritesJob,
  anonymizeJob,
  ...(capabilities as readonly Capability[]).flatMap((c) => c.jobKinds ?? []),
];

/** Every migration: the core's, then each capability's. */
export const allMigrations: Migration[] = [
  ...coreMigrations,
  ...(capabilities as readonly Capability[]).flatMap((c) => c.migrations ?? []),
];
