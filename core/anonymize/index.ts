import { defineCapability, type CommandTypes } from '../capability.js';
import { anonymizeCommand } from './cli/anonymize.js';
import { anonymizeCommands } from './commands.js';
import { anonymizeJob, reapAbandonedExports } from './job.js';
import { registerCleanup } from '../jobs/reaper.js';
import { anonymizeExportsMigration } from './migrations/0040-anonymization-exports.js';

// A crashed export's unverified partial output is removed at the next start of any Framewise process.
registerCleanup('anonymize partial outputs', reapAbandonedExports);

/** Anonymization: plan, mask, one-pass render to a temp file, verify, export audit. */
export const anonymize = defineCapability({
  name: 'anonymize',
  commands: anonymizeCommands,
  jobKinds: [anonymizeJob],
  migrations: [anonymizeExportsMigration],
  cli: [anonymizeCommand],
});

declare module '../capability.js' {
  interface CommandRegistry extends CommandTypes<typeof anonymizeCommands> {}
}
