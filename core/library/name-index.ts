import type BetterSqlite3 from 'better-sqlite3';
import type { LibraryDb } from '../db/open.js';
import { SEALED_PREFIX } from '../db/sealed-text.js';

/** One video as a name search or sort needs it: fresh columns from this listing, the opened name from memory. */
export interface NamedVideo {
  id: number;
  name: string;
  /** `name.toLocaleLowerCase()`, for substring search. */
  lower: string;
  state: string;
  duration: number;
  size: number;
}

interface RawRow {
  id: number;
  name: string;
  state: string;
  duration: number;
  size: number;
}

/** Built once: constructing a collator costs tens of milliseconds. */
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/**
 * The opened file names of the library's videos, for searching and sorting by name in a large library.
 *
 * Names are sealed on disk (core/db/sealed-text.ts), so SQL cannot search them and opening all of them on every
 * listing costs one AES-GCM decryption per video. This keeps each opened name in this process's memory only
 * (never written anywhere, never logged), keyed by the sealed text it was opened from: a listing reads the sealed
 * names without opening them (one scan of the videos table) and opens only those it has not seen. A video
 * imported, renamed or removed — by this process or another one sharing the library — is therefore seen on the
 * next listing, with nothing to invalidate. The order by name is kept too, until the set of names changes.
 */
export class NameIndex {
  private opened = new Map<string, { name: string; lower: string }>();
  private statement: BetterSqlite3.Statement<[], RawRow> | null = null;
  /** Ids by name (ascending and descending, ties newest first) for the current set of names. */
  private sorted: { asc?: number[]; desc?: number[] } = {};

  constructor(private readonly db: Pick<LibraryDb, 'readerRaw' | 'sealed'>) {}

  /** The last listing and the reader's `data_version` it was read at. */
  private last: { version: number; unlocked: boolean; videos: NamedVideo[] } | null = null;

  /**
   * Every video, newest first, with its opened name (or the sealed placeholder where the key is missing). While
   * nothing was committed to the library since the last call (SQLite's `data_version` on the reader connection
   * changes with every commit of any other connection: this process's writer and other processes alike), that
   * listing is returned as it is.
   */
  videos(): NamedVideo[] {
    const version = this.db.readerRaw.pragma('data_version', { simple: true }) as number;
    if (this.last && this.last.version === version && this.last.unlocked === this.db.sealed.unlocked) return this.last.videos;
    this.statement ??= this.db.readerRaw.prepare<[], RawRow>('SELECT id, name, state, duration, size FROM videos ORDER BY id DESC');
    const rows = this.statement.all();
    const sealed = this.db.sealed;
    const next = new Map<string, { name: string; lower: string }>();
    let changed = rows.length !== this.opened.size;
    const out: NamedVideo[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      let entry = this.opened.get(r.name) ?? next.get(r.name);
      if (!entry) {
        changed = true;
        const isSealed = r.name.startsWith(SEALED_PREFIX);
        const name = !isSealed ? r.name : sealed.unlocked ? sealed.open(r.name) : sealed.placeholder(r.name);
        entry = { name, lower: name.toLocaleLowerCase() };
      }
      // A placeholder (no key in this process) is not remembered: once the key is loaded, the name is opened.
      if (!r.name.startsWith(SEALED_PREFIX) || sealed.unlocked) next.set(r.name, entry);
      out[i] = { id: r.id, name: entry.name, lower: entry.lower, state: r.state, duration: r.duration, size: r.size };
    }
    if (changed || next.size !== this.opened.size) this.sorted = {};
    this.opened = next;
    this.last = { version, unlocked: sealed.unlocked, videos: out };
    return out;
  }

  /**
   * Ids of `videos` (the result of the last `videos()` call) ordered by name, ties newest first; computed once per
   * set of names.
   */
  idsByName(videos: readonly NamedVideo[], order: 'asc' | 'desc'): number[] {
    const cached = this.sorted[order];
    if (cached && cached.length === videos.length) return cached;
    const sign = order === 'asc' ? 1 : -1;
    const ids = [...videos].sort((a, b) => sign * collator.compare(a.name, b.name) || b.id - a.id).map((v) => v.id);
    this.sorted[order] = ids;
    return ids;
  }
}

const indexes = new WeakMap<object, NameIndex>();

/** The name index of an open library (one per LibraryDb, dropped with it). */
export function nameIndexOf(db: Pick<LibraryDb, 'readerRaw' | 'sealed'>): NameIndex {
  let index = indexes.get(db);
  if (!index) {
    index = new NameIndex(db);
    indexes.set(db, index);
  }
  return index;
}
