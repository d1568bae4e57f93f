import type Database from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** How many distinct SQL texts keep their compiled statement (per connection; least recently used go first). */
const KEEP = 256;

/**
 * The connection as Kysely's SQLite dialect sees it, with each SQL text compiled once. Kysely's driver calls
 * `prepare` for every query it runs, and compiling was the largest single cost of the core's main thread (a CPU
 * profile of repeated imports: `prepare` ≈ 150 ms of 1.8 s, ahead of running the statements themselves).
 * better-sqlite3 leaves statement reuse to its caller, and Kysely has no cache of its own, hence this one.
 *
 * Safe to share: Kysely runs one query at a time on a connection (its driver holds a mutex until a query, or a
 * streamed one, is done), parameters are passed at each run, never bound to the statement, and SQLite recompiles
 * a statement by itself when a migration has changed the schema.
 */
export function withStatementCache(raw: Database.Database): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => raw.close(),
    prepare(sql: string): SqliteStatement {
      const hit = cache.get(sql);
      if (hit) {
        // Most recently used last: a Map keeps insertion order.
        cache.delete(sql);
        cache.set(sql, hit);
        return hit;
      }
      const stmt = raw.prepare(sql);
      cache.set(sql, stmt);
      if (cache.size > KEEP) cache.delete(cache.keys().next().value!);
      return stmt;
    },
  };
}
