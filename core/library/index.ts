import { defineCapability, type CommandTypes } from '../capability.js';
import { importCommand } from './cli/import.js';
import { infoCommand } from './cli/info.js';
import { listCommand } from './cli/list.js';
import { statusCommand } from './cli/status.js';
import { libraryCommands } from './commands.js';
import { importJob } from './import-job.js';
import { sealedTagsMigration } from './migrations/0053-sealed-container-tags.js';
import { sealedFileNamesMigration } from './migrations/0054-sealed-file-names.js';
import { frameCountJob, verifyDecodeJob } from './video-jobs.js';

/** The video library: import (probe, hash, dedupe, copy, thumbnail) and video queries. */
export const library = defineCapability({
  name: 'library',
  commands: libraryCommands,
  jobKinds: [importJob, frameCountJob, verifyDecodeJob],
  migrations: [sealedTagsMigration, sealedFileNamesMigration],
  cli: [importCommand, listCommand, infoCommand, statusCommand],
  events: ['video.added', 'video.changed', 'video.removed'],
});

declare module '../capability.js' {
  interface CommandRegistry extends CommandTypes<typeof libraryCommands> {}
}
