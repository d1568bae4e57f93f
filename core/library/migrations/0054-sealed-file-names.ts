import type { Migration } from '../../db/migration.js';

/**
 * Original file names and paths, job inputs/outputs/errors, job event data, change-feed events and export
 * errors are patient data: they are stored sealed with the library key (core/db/sealed-text.ts). SQL cannot
 * encrypt, so this migration only marks the rows an older Framewise wrote in plain text; the first open that
 * holds the key seals them all in one transaction (`sealPlainRows`) and clears the mark.
 */
export const sealedFileNamesMigration: Migration = {
  version: 54,
  name: 'sealed file names, paths and job data',
  up: `
      CREATE TABLE sealing_pending (what TEXT PRIMARY KEY);
      INSERT INTO sealing_pending (what) VALUES ('file names, paths, job data, events');
      -- The plain-text indexes would keep a copy of every name and path; lookups now open the sealed values.
      DROP INDEX IF EXISTS videos_path;
      DROP INDEX IF EXISTS videos_name;
    `,
};
