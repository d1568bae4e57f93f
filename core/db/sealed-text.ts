import {
  ColumnNode,
  ColumnUpdateNode,
  OperationNodeTransformer,
  PrimitiveValueListNode,
  TableNode,
  ValueListNode,
  ValueNode,
  ValuesNode,
  type InsertQueryNode,
  type KyselyPlugin,
  type OperationNode,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryId,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
  type UpdateQueryNode,
} from 'kysely';
import type BetterSqlite3 from 'better-sqlite3';
import { FramewiseError } from '../util/errors.js';

/**
 * Text columns that name a patient's files or carry patient values: the original file name and path of every
 * imported video (users name files and folders after the patient), job inputs/outputs/errors (import paths,
 * patient overrides given to anonymize, messages that quote a path), job event data, the cross-process change
 * feed's event copies and export errors. They are stored sealed with the library key (AES-256-GCM, the column
 * bound as associated data) and opened again when read, only in a process that holds the key.
 */
export const SEALED_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  videos: ['path', 'original_path', 'name'],
  jobs: ['input_json', 'output_json', 'error_json'],
  job_events: ['data_json'],
  change_log: ['event_json'],
  // The temp files a running job writes in the user's folders (migration 57).
  job_partial_outputs: ['path'],
  // Where an export went (folders named after the patient), its plan, report (text read in the image) and the
  // render's command line (the original's path).
  anonymize_exports: ['error_json', 'output_path', 'temp_path', 'options_json', 'plan_json', 'verification_json', 'command_json'],
  // The file name of an imported subtitle file, a track's title and ASS header, every cue's text (speech says
  // names) and the edit history's copies of cues (migration 42).
  subtitle_tracks: ['origin', 'title', 'ass_header'],
  subtitle_cues: ['text', 'words_json'],
  subtitle_history: ['before_json', 'after_json', 'inserted_json', 'removed_json'],
  // The export folders the dialog remembers (core/settings/store.ts).
  sealed_settings: ['value_json'],
};

/** The tables whose rows mark a library as holding plain text to seal (migrations 54 and 42). */
const PENDING_TABLES = ['sealing_pending', 'sealing_pending_2'];

/** `fw-sealed:1:<table.column>:<base64 of LibraryKey.encrypt>`: text, so the shipped TEXT NOT NULL columns keep working. */
export const SEALED_PREFIX = 'fw-sealed:1:';
/** Keyed tags (HMAC) replace values that are only compared, never read back (job dedupe keys). */
export const TAG_PREFIX = 'fw-tag:1:';

/** What the library key (core/patient/crypto.ts) offers; the db layer does not import the patient capability. */
export interface TextCipher {
  encrypt(plaintext: string, context: string): Buffer;
  decrypt(blob: Buffer, context: string): string;
  tag(text: string, context: string): string;
}

const contextOf = (column: string) => `sealed-text:${column}`;

/**
 * The library's sealed-text state for one process: locked until the key is loaded (`unlock`). Reads in a
 * process without the key show the sealed form (nothing leaks, nothing breaks); writes of sealed columns then
 * fail with the reason the key is missing: patient data is never written in plain text.
 */
export class SealedText {
  private cipher: TextCipher | null = null;
  private reason: FramewiseError | null = null;

  unlock(cipher: TextCipher): void {
    this.cipher = cipher;
    this.reason = null;
  }

  /** No key in this process (missing or foreign key file): `reason` is what a write of patient text reports. */
  lock(reason: FramewiseError): void {
    this.cipher = null;
    this.reason = reason;
  }

  get unlocked(): boolean {
    return this.cipher !== null;
  }

  private need(): TextCipher {
    if (this.cipher) return this.cipher;
    throw (
      this.reason ??
      new FramewiseError('wrong_key', "The library's key is not loaded in this process: file names and job data cannot be stored")
    );
  }

  /** `column`: "table.column" (bound to the ciphertext, so a value cannot be moved to another column). */
  seal(column: string, plain: string): string {
    if (plain.startsWith(SEALED_PREFIX)) return plain;
    return `${SEALED_PREFIX}${column}:${this.need().encrypt(plain, contextOf(column)).toString('base64')}`;
  }

  /** The plain text of a sealed value (anything else is returned as it is; so is a value this key cannot open). */
  open(value: string): string {
    if (!value.startsWith(SEALED_PREFIX) || !this.cipher) return value;
    const rest = value.slice(SEALED_PREFIX.length);
    const colon = rest.indexOf(':');
    if (colon < 0) return value;
    try {
      return this.cipher.decrypt(Buffer.from(rest.slice(colon + 1), 'base64'), contextOf(rest.slice(0, colon)));
    } catch {
      return value;
    }
  }

  /**
   * What a process without the key reads instead of a sealed value: something of the column's shape that names
   * nothing (JSON columns stay parseable, so listing and ids keep working), never the ciphertext's meaning.
   */
  placeholder(value: string): string {
    const rest = value.slice(SEALED_PREFIX.length);
    const column = rest.slice(0, Math.max(0, rest.indexOf(':')));
    if (column === 'change_log.event_json') return 'null';
    if (column.endsWith('.error_json')) return JSON.stringify({ code: 'wrong_key', message: 'Sealed: the library key is missing' });
    if (column.endsWith('_json')) return JSON.stringify({ sealed: true });
    return column === 'videos.name' ? '(name sealed: the library key is missing)' : '(sealed)';
  }

  /** Equal inputs give equal tags; without the key a tag says nothing about its input. */
  tag(text: string, purpose: string): string {
    if (text.startsWith(TAG_PREFIX)) return text;
    return `${TAG_PREFIX}${this.need().tag(text, purpose)}`;
  }

  /** The Kysely plugin: seals the listed columns in every INSERT/UPDATE, opens sealed text in every result row. */
  plugin(): KyselyPlugin {
    return new SealedTextPlugin(this);
  }
}

function tableName(node: OperationNode | undefined): string | null {
  return node && TableNode.is(node) ? node.table.identifier.name : null;
}

function columnName(node: OperationNode): string | null {
  return ColumnNode.is(node) ? node.column.name : null;
}

class SealingTransformer extends OperationNodeTransformer {
  constructor(private readonly sealed: SealedText) {
    super();
  }

  private sealValue(table: string, column: string | null, value: unknown): unknown {
    if (column === null || typeof value !== 'string' || !SEALED_COLUMNS[table]?.includes(column)) return value;
    return this.sealed.seal(`${table}.${column}`, value);
  }

  private sealUpdates(table: string, updates: readonly ColumnUpdateNode[]): ColumnUpdateNode[] {
    return updates.map((u) => {
      if (!ValueNode.is(u.value)) return u;
      const sealed = this.sealValue(table, columnName(u.column), u.value.value);
      return sealed === u.value.value ? u : ColumnUpdateNode.create(u.column, ValueNode.create(sealed));
    });
  }

  protected override transformInsertQuery(node: InsertQueryNode, queryId?: QueryId): InsertQueryNode {
    const out = super.transformInsertQuery(node, queryId);
    const table = tableName(out.into);
    if (!table || !SEALED_COLUMNS[table]) return out;
    const columns = (out.columns ?? []).map((c) => c.column.name);
    let values = out.values;
    if (values && ValuesNode.is(values)) {
      values = ValuesNode.create(
        values.values.map((list) =>
          PrimitiveValueListNode.is(list)
            ? PrimitiveValueListNode.create(list.values.map((v, i) => this.sealValue(table, columns[i] ?? null, v)))
            : ValueListNode.create(
                list.values.map((v, i) => (ValueNode.is(v) ? ValueNode.create(this.sealValue(table, columns[i] ?? null, v.value)) : v)),
              ),
        ),
      );
    }
    const onConflict = out.onConflict?.updates
      ? { ...out.onConflict, updates: this.sealUpdates(table, out.onConflict.updates) }
      : out.onConflict;
    return { ...out, ...(values ? { values } : {}), ...(onConflict ? { onConflict } : {}) };
  }

  protected override transformUpdateQuery(node: UpdateQueryNode, queryId?: QueryId): UpdateQueryNode {
    const out = super.transformUpdateQuery(node, queryId);
    const table = tableName(out.table);
    if (!table || !SEALED_COLUMNS[table] || !out.updates) return out;
    return { ...out, updates: this.sealUpdates(table, out.updates) };
  }
}

class SealedTextPlugin implements KyselyPlugin {
  private readonly transformer: SealingTransformer;
  constructor(private readonly sealed: SealedText) {
    this.transformer = new SealingTransformer(sealed);
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.transformer.transformNode(args.node, args.queryId);
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const rows = args.result.rows;
    if (!rows?.length) return args.result;
    const open = this.sealed.unlocked ? (v: string) => this.sealed.open(v) : (v: string) => this.sealed.placeholder(v);
    let changed = false;
    // Every row of every result is looked at (joins and aliases included); a string that does not start with the
    // prefix costs one comparison.
    const opened = rows.map((row) => {
      let copy: UnknownRow | null = null;
      for (const k in row) {
        const v = row[k];
        if (typeof v === 'string' && v.startsWith(SEALED_PREFIX)) {
          copy ??= { ...row };
          copy[k] = open(v);
        }
      }
      if (copy) changed = true;
      return copy ?? row;
    });
    return changed ? { ...args.result, rows: opened } : args.result;
  }
}

/**
 * Seal what an older Framewise stored in plain text (migrations 54 and 42 leave a row in `sealing_pending`,
 * `sealing_pending_2`): every listed
 * column's plain values, and job dedupe keys turned into tags. Runs once, at the first open that has the key,
 * in one write transaction; `secure_delete` (set at open) zeroes the old plain text in the database pages, and
 * the WAL is checkpointed and truncated afterwards so no old page stays there either.
 */
export function sealPlainRows(raw: BetterSqlite3.Database, sealed: SealedText): number {
  if (!sealed.unlocked) return 0;
  const pendingTables = PENDING_TABLES.filter((t) => raw.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(t));
  if (!pendingTables.length) return 0;
  let count = 0;
  raw.transaction(() => {
    if (!pendingTables.some((t) => raw.prepare(`SELECT 1 FROM "${t}" LIMIT 1`).get())) return;
    for (const [table, columns] of Object.entries(SEALED_COLUMNS)) {
      if (!raw.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table)) continue;
      for (const column of columns) {
        const rows = raw
          .prepare(`SELECT rowid AS id, "${column}" AS v FROM "${table}" WHERE "${column}" IS NOT NULL AND substr("${column}", 1, ?) <> ?`)
          .all(SEALED_PREFIX.length, SEALED_PREFIX) as Array<{ id: number; v: unknown }>;
        const update = raw.prepare(`UPDATE "${table}" SET "${column}" = ? WHERE rowid = ?`);
        for (const r of rows) {
          if (typeof r.v !== 'string') continue;
          update.run(sealed.seal(`${table}.${column}`, r.v), r.id);
          count++;
        }
      }
    }
    const keys = raw
      .prepare('SELECT id, dedupe_key AS k FROM jobs WHERE substr(dedupe_key, 1, ?) <> ?')
      .all(TAG_PREFIX.length, TAG_PREFIX) as Array<{ id: number; k: string }>;
    const setKey = raw.prepare('UPDATE jobs SET dedupe_key = ? WHERE id = ?');
    for (const r of keys) {
      setKey.run(sealed.tag(r.k, 'job-dedupe-key'), r.id);
      count++;
    }
    for (const t of pendingTables) raw.prepare(`DELETE FROM "${t}"`).run();
  })();
  try {
    raw.pragma('wal_checkpoint(TRUNCATE)');
  } catch {
    /* another process reads: its next checkpoint rewrites the pages */
  }
  return count;
}
