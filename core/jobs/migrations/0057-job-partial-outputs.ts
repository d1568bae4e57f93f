import type { Migration } from '../../db/migration.js';

/**
 * The temp files a running job writes beside its outputs (core/jobs/partial-outputs.ts): the next start removes
 * those a job whose process died left behind. `path` is sealed (it names the user's folders).
 */
export const jobPartialOutputsMigration: Migration = {
  version: 57,
  name: 'jobs: partial outputs written by running jobs',
  up: `
      CREATE TABLE job_partial_outputs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        path TEXT NOT NULL
      );
      CREATE INDEX job_partial_outputs_job ON job_partial_outputs(job_id);
    `,
};
