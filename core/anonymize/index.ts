import { defineCapability, type CommandTypes } from '../capability.js';
import { anonymizeCommand } from './cli/anonymize.js';
import { exportsCommand } from './cli/exports.js';
import { anonymizeCommands } from './commands.js';
import { anonymizeJob } from './job.js';
import { reapAbandonedExports } from './reap-exports.js';
import { anonymizeExportsMigration } from './migrations/0040-anonymization-exports.js';
import { exportCommandMigration } from './migrations/0041-export-command.js';
import { sealedExportsSubtitlesFoldersMigration } from './migrations/0042-sealed-exports-subtitles-folders.js';
import { frameRangeNamesMigration } from './migrations/0043-frame-range-names.js';

/** Anonymization: plan, mask, one-pass render to a temp file, verify, export audit. */
export const anonymize = defineCapability({
  name: 'anonymize',
  commands: anonymizeCommands,
  jobKinds: [anonymizeJob],
  migrations: [anonymizeExportsMigration, exportCommandMigration, sealedExportsSubtitlesFoldersMigration, frameRangeNamesMigration],
  cli: [anonymizeCommand, exportsCommand],
  // A crashed export's unverified partial output is removed at the next start of any Framewise process.
  cleanups: [{ name: 'anonymize partial outputs', run: reapAbandonedExports }],
});

declare module '../capability.js' {
  interface CommandRegistry extends CommandTypes<typeof anonymizeCommands> {}
}
