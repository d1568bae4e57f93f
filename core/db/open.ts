import Database from 'better-sqlite3';
import { CompiledQuery, Kysely, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDialectConfig } from 'kysely';
import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import path from 'node:path';
import { migrate, type Migration } from './migrations.js';
import type { Database as Schema } from './schema.js';
import { registerLivenessFunctions } from '../jobs/liveness.js';
import { SealedText } from './sealed-text.js';

export interface LibraryDb {
  file: string;
  /** The one writer connection of this process. All writes go through it. */
  writer: Kysely<Schema>;
  /** A read-only connection: with WAL, reads never wait on the writer. */
  reader: Kysely<Schema>;
  /** Raw handle of the writer, for pragmas and synchronous transactions. */
  raw: Database.Database;
  /** Raw handle of the read-only connection (e.g. `PRAGMA data_version` to see other processes' commits). */
  readerRaw: Database.Database;
  schemaVersion: number;
  /** File names, paths and job data are sealed with the library key on write and opened on read (sealed-text.ts). */
  sealed: SealedText;
  close(): Promise<void>;
}

export const DB_FILE_NAME = 'library.sqlite';

/** Electron runs with its own Node ABI; its launcher points us at a matching build of better-sqlite3. */
function nativeBinding(): { nativeBinding?: string } {
  const p = process.env.FRAMEWISE_SQLITE_BINDING;
  return p ? { nativeBinding: p } : {};
}

/**
 * Patient data lives in the library: its folder is 0700 and the database files (main, -wal, -shm) are 0600,
 * created so before SQLite first opens them. Only files owned by this user are changed.
 */
export function restrictLibraryFiles(dataDir: string, file: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const uid = process.getuid?.();
  const fix = (p: string, mode: number) => {
    try {
      const st = statSync(p);
      if ((uid === undefined || st.uid === uid) && (st.mode & 0o777) !== mode) chmodSync(p, mode);
    } catch {
      /* not there (yet) */
    }
  };
  fix(dataDir, 0o700);
  try {
    closeSync(openSync(file, 'a', 0o600));
  } catch {
    /* read-only file system: SQLite reports it */
  }
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) fix(f, 0o600);
}

/**
 * Write transactions take the write lock when they begin (`BEGIN IMMEDIATE`). A deferred transaction that reads
 * and then writes cannot wait for the lock when another process committed in between (SQLITE_BUSY at once,
 * whatever the busy timeout); an immediate one waits its turn. Several processes share one library.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}
class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly settings: SqliteDialectConfig) {
    super(settings);
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.settings);
  }
}

/** `migrations`: every migration of the library (the core passes its own plus each capability's). */
export function openLibraryDb(dataDir: string, migrations: readonly Migration[]): LibraryDb {
  const file = path.join(dataDir, DB_FILE_NAME);
  restrictLibraryFiles(dataDir, file);
  const raw = new Database(file, { ...nativeBinding() });
  raw.pragma('journal_mode = WAL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 10000');
  raw.pragma('synchronous = NORMAL');
  // Deleted and overwritten rows are zeroed in the file: pruned change-feed rows and values replaced by their
  // sealed form leave no readable copy behind.
  raw.pragma('secure_delete = ON');
  let schemaVersion: number;
  try {
    schemaVersion = migrate(raw, file, migrations);
  } catch (err) {
    raw.close();
    throw err;
  }
  // SQLite creates -wal/-shm with the main file's mode; make sure of it (older libraries were 0644).
  restrictLibraryFiles(dataDir, file);
  const readRaw = new Database(file, { readonly: true, ...nativeBinding() });
  readRaw.pragma('busy_timeout = 10000');
  readRaw.pragma('foreign_keys = ON');
  registerLivenessFunctions(raw);
  registerLivenessFunctions(readRaw);
  const sealed = new SealedText();
  const writer = new Kysely<Schema>({ dialect: new ImmediateSqliteDialect({ database: raw }), plugins: [sealed.plugin()] });
  const reader = new Kysely<Schema>({ dialect: new SqliteDialect({ database: readRaw }), plugins: [sealed.plugin()] });
  return {
    file,
    writer,
    reader,
    raw,
    readerRaw: readRaw,
    schemaVersion,
    sealed,
    async close() {
      await reader.destroy();
      await writer.destroy();
    },
  };
}

export const nowIso = (): string => new Date().toISOString();
