import type BetterSqlite3 from 'better-sqlite3';
import { FramewiseError } from '../util/errors.js';
import type { Migration } from './migration.js';
import { foundationMigration } from './migrations/0001-library-foundation.js';

/**
 * Versioned migrations, applied in order at open. The schema version is SQLite's `user_version`.
 * One migration per file (`<folder>/migrations/NNNN-name.ts`); never edit a migration that has shipped.
 */
export type { Migration };

/** The core's own tables (videos, jobs, job events, artifacts, settings); each capability brings its own. */
export const coreMigrations: Migration[] = [foundationMigration];

export const latestSchemaVersion = (list: readonly Migration[]): number => list.reduce((m, x) => Math.max(m, x.version), 0);

/**
 * Apply pending migrations in one transaction each, in version order. Applied versions are recorded one by one
 * (`schema_migrations`), so a migration with a lower number that arrives later is still applied. SQLite's
 * `user_version` holds the highest version: a library written by a newer Framewise is refused.
 */
export function migrate(db: BetterSqlite3.Database, file: string, list: readonly Migration[]): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = latestSchemaVersion(list);
  if (current > latest) {
    throw new FramewiseError(
      'schema_too_new',
      `The library ${file} was written by a newer version of Framewise (schema ${current}; this version knows up to ${latest}). Update Framewise to open it.`,
      { current, latest },
    );
  }
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const applied = new Set((db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>).map((r) => r.version));
  if (applied.size === 0 && current > 0) {
    // A library from before migrations were recorded one by one: everything up to user_version is in place.
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const m of list) {
      if (m.version > current) continue;
      record.run(m.version, m.name, new Date().toISOString());
      applied.add(m.version);
    }
  }
  const isApplied = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?');
  for (const m of [...list].sort((a, b) => a.version - b.version)) {
    if (applied.has(m.version)) continue;
    // Several processes may open a new library at once: each migration takes the write lock first (IMMEDIATE)
    // and checks again under it, so a migration another process applied meanwhile is not run a second time.
    db.transaction(() => {
      if (isApplied.get(m.version)) return;
      db.exec(m.up);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        new Date().toISOString(),
      );
      db.pragma(`user_version = ${Math.max(m.version, db.pragma('user_version', { simple: true }) as number)}`);
    }).immediate();
  }
  return latest;
}
