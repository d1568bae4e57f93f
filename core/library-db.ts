import { allMigrations } from './capabilities.js';
import { latestSchemaVersion as latestOf, type Migration } from './db/migrations.js';
import { openLibraryDb as open, type LibraryDb } from './db/open.js';

export { DB_FILE_NAME } from './db/open.js';

/** Open a library's database with every capability's migrations (what `Core.open` does). */
export function openLibraryDb(dataDir: string, migrations: readonly Migration[] = allMigrations): LibraryDb {
  return open(dataDir, migrations);
}

/** The schema version a library has after every capability's migrations. */
export function latestSchemaVersion(migrations: readonly Migration[] = allMigrations): number {
  return latestOf(migrations);
}
