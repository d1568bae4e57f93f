import Database from 'better-sqlite3';
import { CompiledQuery, Kysely, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver } from 'kysely';
import { chmodSync, closeSync, mkdirSync, openSync, statSync, statfsSync } from 'node:fs';
import path from 'node:path';
import { latestSchemaVersion, migrate, type Migration } from './migrations.js';
import type { Database as Schema } from './schema.js';
import { registerLivenessFunctions } from '../jobs/liveness.js';
import { SealedText } from './sealed-text.js';
import { withStatementCache } from './statement-cache.js';
import { FramewiseError } from '../util/errors.js';

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
  /** Opened read-only because the disk is full (`openLibraryDbReadOnly`): every write fails. */
  readOnly?: boolean;
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
  constructor(private readonly raw: Database.Database) {
    super({ database: withStatementCache(raw) });
  }
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
  /**
   * SQLite rolls a transaction back by itself on some errors (SQLITE_FULL: the disk is full); a second rollback
   * would fail with "no transaction is active" and hide the real error.
   */
  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    if (!this.raw.inTransaction) return;
    await super.rollbackTransaction(connection);
  }
}
class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly raw: Database.Database) {
    super({ database: raw });
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.raw);
  }
}

/** `migrations`: every migration of the library (the core passes its own plus each capability's). */
export function openLibraryDb(dataDir: string, migrations: readonly Migration[]): LibraryDb {
  const file = path.join(dataDir, DB_FILE_NAME);
  restrictLibraryFiles(dataDir, file);
  let raw: Database.Database | null = null;
  let schemaVersion: number;
  try {
    raw = new Database(file, { ...nativeBinding() });
    raw.pragma('journal_mode = WAL');
    raw.pragma('foreign_keys = ON');
    raw.pragma('busy_timeout = 10000');
    raw.pragma('synchronous = NORMAL');
    // Deleted and overwritten rows are zeroed in the file: pruned change-feed rows and values replaced by their
    // sealed form leave no readable copy behind.
    raw.pragma('secure_delete = ON');
    schemaVersion = migrate(raw, file, migrations);
  } catch (err) {
    raw?.close();
    throw diskFullError(dataDir, err) ?? err;
  }
  // SQLite creates -wal/-shm with the main file's mode; make sure of it (older libraries were 0644).
  restrictLibraryFiles(dataDir, file);
  let readRaw: Database.Database;
  try {
    readRaw = new Database(file, { readonly: true, ...nativeBinding() });
    readRaw.pragma('busy_timeout = 10000');
    readRaw.pragma('foreign_keys = ON');
  } catch (err) {
    raw.close();
    throw diskFullError(dataDir, err) ?? err;
  }
  registerLivenessFunctions(raw);
  registerLivenessFunctions(readRaw);
  const sealed = new SealedText();
  const writer = new Kysely<Schema>({ dialect: new ImmediateSqliteDialect(raw), plugins: [sealed.plugin()] });
  const reader = new Kysely<Schema>({ dialect: new SqliteDialect({ database: withStatementCache(readRaw) }), plugins: [sealed.plugin()] });
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

/** Whether the file system holding `dir` has no room left (for unprivileged writers). */
export function diskIsFull(dir: string): boolean {
  try {
    const fs = statfsSync(dir);
    return fs.bavail * fs.bsize < 64 * 1024;
  } catch {
    return false;
  }
}

/** SQLite's and Node's ways of saying "no room": a full disk also shows as a failed -shm grow or write. */
const DISK_FULL_CODES = new Set([
  'SQLITE_FULL',
  'SQLITE_IOERR_SHMSIZE',
  'SQLITE_IOERR_WRITE',
  'SQLITE_IOERR_FSTAT',
  'SQLITE_IOERR_TRUNCATE',
  'ENOSPC',
]);

/**
 * A `disk_full` error naming the library folder when `err` comes from a full disk there; else null.
 * `databaseOnly`: only SQLite's errors count (an ENOSPC elsewhere may be about another folder, e.g. an output).
 */
export function diskFullError(dataDir: string, err: unknown, opts: { databaseOnly?: boolean } = {}): FramewiseError | null {
  if (err instanceof FramewiseError) return err.code === 'disk_full' && !opts.databaseOnly ? err : null;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || (opts.databaseOnly && !code.startsWith('SQLITE_'))) return null;
  if (!(code === 'SQLITE_FULL' || code === 'ENOSPC' || (DISK_FULL_CODES.has(code) && diskIsFull(dataDir)))) return null;
  return new FramewiseError('disk_full', `disk full in ${dataDir}: the library cannot be written (free some space and try again)`, {
    folder: dataDir,
  });
}

/**
 * Open the library for reading only, when its disk is full. WAL needs a shared-memory index file (-shm) that a
 * full disk cannot hold; in exclusive locking mode SQLite keeps that index in memory instead, so the library can
 * still be read (committed WAL frames included). `query_only` refuses every write; the lock is held only as long
 * as this (short-lived) process has the library open. No migration runs: a library that needs one is refused.
 */
export function openLibraryDbReadOnly(dataDir: string, migrations: readonly Migration[]): LibraryDb {
  const file = path.join(dataDir, DB_FILE_NAME);
  if (!statSync(file, { throwIfNoEntry: false })?.isFile())
    throw new FramewiseError('file_unreadable', `There is no library in ${dataDir} to read`, { folder: dataDir });
  const raw = new Database(file, { fileMustExist: true, ...nativeBinding() });
  let schemaVersion: number;
  try {
    raw.pragma('busy_timeout = 10000');
    raw.pragma('locking_mode = EXCLUSIVE');
    raw.pragma('query_only = ON');
    raw.pragma('foreign_keys = ON');
    schemaVersion = raw.pragma('user_version', { simple: true }) as number;
    const latest = latestSchemaVersion(migrations);
    if (schemaVersion !== latest) {
      throw new FramewiseError(
        'disk_full',
        `disk full in ${dataDir}: the library needs an update (schema ${schemaVersion} → ${latest}) that cannot be written`,
        { folder: dataDir },
      );
    }
  } catch (err) {
    raw.close();
    throw err;
  }
  registerLivenessFunctions(raw);
  const sealed = new SealedText();
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: withStatementCache(raw) }), plugins: [sealed.plugin()] });
  return {
    file,
    writer: db,
    reader: db,
    raw,
    readerRaw: raw,
    schemaVersion,
    sealed,
    readOnly: true,
    async close() {
      await db.destroy();
    },
  };
}

export const nowIso = (): string => new Date().toISOString();
