import type { Migration } from '../../db/migration.js';

/** Changes published across processes (issue 19): read by `core/events/feed.ts`. */
export const changeLogMigration: Migration = {
  version: 56,
  name: 'events: change log read by every process that has the library open',
  up: `
      -- Every core event except throttled progress, as JSON, written by the process where it happened; other
      -- processes poll PRAGMA data_version and re-emit rows from other origins. Pruned after a few minutes.
      CREATE TABLE change_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        origin TEXT NOT NULL,
        at TEXT NOT NULL,
        event_json TEXT NOT NULL
      );
    `,
};
