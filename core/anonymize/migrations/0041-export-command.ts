import type { Migration } from '../../db/migration.js';

/** Shipped: never edit; add a new migration instead. */
export const exportCommandMigration: Migration = {
  version: 41,
  name: 'the render command line of each anonymization export',
  up: `
      -- JSON array: the ffmpeg binary and its arguments exactly as run, any element that could carry a patient
      -- value withheld (core/anonymize/audit-command.ts). NULL until the render ran.
      ALTER TABLE anonymize_exports ADD COLUMN command_json TEXT;
    `,
};
