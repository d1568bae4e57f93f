import type { Migration } from '../../db/migration.js';

/** Jobs across processes (issue 19): who will run a queued job, follow-ups, live job-running processes. */
export const jobOwnersMigration: Migration = {
  version: 55,
  name: 'jobs: owner process, parent job, live job runners',
  up: `
      -- The runner (process) that will run a queued job: the process that enqueued it when it runs jobs, the
      -- runner of the parent job for follow-ups. NULL, or an owner that stopped, = any process that runs jobs.
      ALTER TABLE jobs ADD COLUMN owner_runner TEXT;
      -- The job whose success created this one (follow-ups are created in the parent's commit transaction).
      ALTER TABLE jobs ADD COLUMN parent_id INTEGER REFERENCES jobs(id) ON DELETE SET NULL;
      CREATE INDEX jobs_owner ON jobs(owner_runner) WHERE state IN ('queued', 'running');
      CREATE INDEX jobs_parent ON jobs(parent_id) WHERE parent_id IS NOT NULL;
      -- One row per process that runs jobs, heart-beating while it lives; removed when it stops.
      CREATE TABLE job_runners (
        id TEXT PRIMARY KEY,
        host TEXT NOT NULL,
        pid INTEGER NOT NULL,
        -- 'app', 'serve' or 'cli'; label: e.g. "framewise import".
        role TEXT NOT NULL,
        label TEXT NOT NULL,
        -- 'all': runs any job nobody else will; 'own': runs only the jobs it owns (a one-shot CLI command).
        scope TEXT NOT NULL CHECK (scope IN ('all', 'own')),
        started_at TEXT NOT NULL,
        heartbeat_at TEXT NOT NULL
      );
    `,
};
