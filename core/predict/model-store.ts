import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { ModelInfo } from '../predict/types.js';
import { nowIso } from '../db/open.js';
import type { Database, ModelsTable } from '../db/schema.js';
import type { Services } from '../services.js';
import { FramewiseError, isNodeError } from '../util/errors.js';
import { writeAtomically } from '../util/fs.js';
import { BUILTIN_MODEL_NAME, buildBuiltinModel, builtinManifest } from './builtin-model.js';
import {
  isEmbeddingManifest,
  parseAnyManifest,
  readManifest,
  type AnyManifest,
  type EmbeddingManifest,
  type ModelManifest,
} from './manifest.js';
import { validateModel } from './model-validate.js';

/**
 * The model registry: models live in the library (a row with the manifest and sha256) and their `.onnx` files
 * are copied into `<dataDir>/models/<sha256>.onnx`, so a model keeps working when its source folder goes away.
 * Classifiers (prediction) and embedding models (similar clips, task "embedding") share it; only classifiers
 * can be the default model or run as predictions.
 */
type Db = Kysely<Database> | Transaction<Database>;
export type ModelRow = Selectable<ModelsTable>;

export interface StoredModel {
  row: ModelRow;
  manifest: ModelManifest;
  /** Absolute path of the .onnx file in the library. */
  file: string;
}

export const modelsDir = (services: Pick<Services, 'dataDir'>): string => path.join(services.dataDir, 'models');

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** An embedding model from the store, with its parsed manifest and file path. */
export interface StoredEmbeddingModel {
  row: ModelRow;
  manifest: EmbeddingManifest;
  file: string;
}

const NO_SMOOTHING = { windowSeconds: 0, minSegmentSeconds: 0, mergeGapSeconds: 0, hysteresis: 0 };

export function toModelInfo(row: ModelRow): ModelInfo {
  const m = parseAnyManifest(JSON.parse(row.manifest_json), `model ${row.name}`);
  const base = {
    name: row.name,
    version: row.version,
    sha256: row.sha256,
    size: row.size,
    builtin: row.builtin === 1,
    isDefault: row.is_default === 1,
    input: { width: m.input.width, height: m.input.height, layout: m.input.layout, colorOrder: m.input.colorOrder, resize: m.input.resize },
    addedAt: row.added_at,
  };
  if (isEmbeddingManifest(m)) {
    const o = m.output;
    return {
      ...base,
      task: 'embedding',
      labels: [],
      thresholds: {},
      smoothing: NO_SMOOTHING,
      embedding: { length: o.length, pooling: o.pooling, tokens: o.tokens ?? null, normalisation: o.normalisation },
    };
  }
  return {
    ...base,
    task: m.task,
    labels: m.labels,
    embedding: null,
    thresholds: { ...m.thresholds },
    smoothing: {
      windowSeconds: m.smoothing.windowSeconds,
      minSegmentSeconds: m.smoothing.minSegmentSeconds,
      mergeGapSeconds: m.smoothing.mergeGapSeconds,
      hysteresis: m.smoothing.hysteresis,
    },
  };
}

async function storeBytes(services: Pick<Services, 'dataDir'>, bytes: Uint8Array, digest: string): Promise<string> {
  const name = `${digest}.onnx`;
  const dest = path.join(modelsDir(services), name);
  const present = await stat(dest).then(
    (s) => s.size === bytes.length,
    () => false,
  );
  if (!present) await writeAtomically(dest, (tmp) => writeFile(tmp, bytes));
  return name;
}

async function upsertModel(db: Db, manifest: AnyManifest, file: string, digest: string, size: number, builtin: boolean): Promise<void> {
  const now = nowIso();
  const values = {
    version: manifest.version,
    task: manifest.task,
    labels_json: JSON.stringify(isEmbeddingManifest(manifest) ? [] : manifest.labels),
    manifest_json: JSON.stringify(manifest),
    file,
    sha256: digest,
    size,
    builtin: builtin ? 1 : 0,
    updated_at: now,
  };
  await db
    .insertInto('models')
    .values({ name: manifest.name, ...values, is_default: 0, added_at: now })
    .onConflict((oc) => oc.column('name').doUpdateSet(values))
    .execute();
  if (isEmbeddingManifest(manifest)) return;
  const hasDefault = await db.selectFrom('models').select('id').where('is_default', '=', 1).executeTakeFirst();
  if (!hasDefault) await db.updateTable('models').set({ is_default: 1 }).where('name', '=', manifest.name).execute();
}

async function removeFileIfUnused(services: Pick<Services, 'dataDir' | 'db'>, file: string): Promise<void> {
  const used = await services.db.writer.selectFrom('models').select('id').where('file', '=', file).executeTakeFirst();
  if (!used) await rm(path.join(modelsDir(services), file), { force: true });
}

let builtinBytes: { bytes: Uint8Array; digest: string } | null = null;

/** Make sure the built-in model is registered and its file present (generated from code, never downloaded). */
export async function ensureBuiltinModel(services: Pick<Services, 'dataDir' | 'db'>): Promise<void> {
  if (!builtinBytes) {
    const bytes = buildBuiltinModel();
    builtinBytes = { bytes, digest: sha256(bytes) };
  }
  const { bytes, digest } = builtinBytes;
  const row = await services.db.writer.selectFrom('models').selectAll().where('name', '=', BUILTIN_MODEL_NAME).executeTakeFirst();
  if (row && row.builtin === 0) return; // a user model took the name; leave it alone
  const file = await storeBytes(services, bytes, digest);
  if (row && row.sha256 === digest) return;
  await upsertModel(services.db.writer, builtinManifest(), file, digest, bytes.length, true);
}

/** Validate and add (or replace, by name) a model from its manifest file. */
export async function addModel(
  services: Pick<Services, 'dataDir' | 'db'>,
  manifestPath: string,
  opts: { setDefault?: boolean } = {},
): Promise<ModelInfo> {
  const { manifest, modelFile } = await readManifest(manifestPath);
  let bytes: Buffer;
  try {
    bytes = await readFile(modelFile);
  } catch (err) {
    if (isNodeError(err) && err.code === 'ENOENT') {
      throw new FramewiseError(
        'invalid_model',
        `${path.resolve(manifestPath)}: the model file "${manifest.file}" does not exist (looked at ${modelFile})`,
      );
    }
    throw new FramewiseError('invalid_model', `${modelFile}: cannot read the model file (${(err as Error).message})`);
  }
  if (bytes.length === 0) throw new FramewiseError('invalid_model', `${modelFile}: the model file is empty`);
  const existing = await services.db.reader
    .selectFrom('models')
    .select(['builtin', 'file'])
    .where('name', '=', manifest.name)
    .executeTakeFirst();
  if (existing?.builtin === 1)
    throw new FramewiseError('conflict', `"${manifest.name}" is the name of the built-in model; choose another name in the manifest`);
  await validateModel(bytes, manifest, modelFile);
  const digest = sha256(bytes);
  const file = await storeBytes(services, bytes, digest);
  await services.db.writer.transaction().execute(async (trx) => {
    await upsertModel(trx, manifest, file, digest, bytes.length, false);
    if (opts.setDefault) await setDefault(trx, manifest.name);
  });
  // Replacing a model by name: drop the old file unless another model uses the same bytes.
  if (existing && existing.file !== file) await removeFileIfUnused(services, existing.file);
  return getModelInfo(services.db.writer, manifest.name);
}

export async function listModels(db: Db): Promise<ModelInfo[]> {
  const rows = await db.selectFrom('models').selectAll().orderBy('builtin', 'desc').orderBy('name').execute();
  return rows.map(toModelInfo);
}

export async function getModelInfo(db: Db, name: string): Promise<ModelInfo> {
  const row = await db.selectFrom('models').selectAll().where('name', '=', name).executeTakeFirst();
  if (!row) return toModelInfo((await getStoredModel(db, '', name)).row); // fails naming the models there are
  return toModelInfo(row);
}

/** A model by name, with its parsed manifest and file path. */
export async function getStoredModel(db: Db, dataDir: string, name: string): Promise<StoredModel> {
  const row = await db.selectFrom('models').selectAll().where('name', '=', name).executeTakeFirst();
  if (!row) {
    const names = (await db.selectFrom('models').select('name').orderBy('name').execute()).map((r) => r.name);
    throw new FramewiseError(
      'not_found',
      `No model named "${name}" (models: ${names.join(', ') || 'none'}); add one with \`framewise models add <manifest.json>\``,
    );
  }
  const manifest = parseAnyManifest(JSON.parse(row.manifest_json), `model ${name}`);
  if (isEmbeddingManifest(manifest))
    throw new FramewiseError('invalid_model', `"${name}" is an embedding model (for similar clips); predictions need a classifier`);
  return { row, manifest, file: path.join(dataDir, 'models', row.file) };
}

/** An embedding model by name (task "embedding"), with its parsed manifest and file path. */
export async function getStoredEmbeddingModel(db: Db, dataDir: string, name: string): Promise<StoredEmbeddingModel> {
  const row = await db.selectFrom('models').selectAll().where('name', '=', name).executeTakeFirst();
  if (!row)
    throw new FramewiseError('not_found', `No embedding model named "${name}"; add one with \`framewise models add <manifest.json>\``);
  const manifest = parseAnyManifest(JSON.parse(row.manifest_json), `model ${name}`);
  if (!isEmbeddingManifest(manifest))
    throw new FramewiseError('invalid_model', `"${name}" is a ${manifest.task} classifier, not an embedding model (task "embedding")`);
  return { row, manifest, file: path.join(dataDir, 'models', row.file) };
}

/** The embedding models of the library, by name. */
export async function listEmbeddingModelRows(db: Db): Promise<ModelRow[]> {
  return db.selectFrom('models').selectAll().where('task', '=', 'embedding').orderBy('name').execute();
}

export async function defaultModelName(db: Db): Promise<string> {
  const row = await db.selectFrom('models').select('name').where('is_default', '=', 1).executeTakeFirst();
  if (row) return row.name;
  const any = await db
    .selectFrom('models')
    .select('name')
    .where('task', '<>', 'embedding')
    .orderBy('builtin', 'desc')
    .orderBy('id')
    .executeTakeFirst();
  if (!any) throw new FramewiseError('not_found', 'No model in the library; add one with `framewise models add <manifest.json>`');
  return any.name;
}

async function setDefault(db: Db, name: string): Promise<void> {
  const found = await db.selectFrom('models').select(['id', 'task']).where('name', '=', name).executeTakeFirst();
  if (!found) throw new FramewiseError('not_found', `No model named "${name}"`);
  if (found.task === 'embedding')
    throw new FramewiseError('usage', `"${name}" is an embedding model (for similar clips); the default model must be a classifier`);
  await db.updateTable('models').set({ is_default: 0 }).where('is_default', '=', 1).execute();
  await db.updateTable('models').set({ is_default: 1 }).where('name', '=', name).execute();
}

export async function setDefaultModel(db: Kysely<Database>, name: string): Promise<ModelInfo> {
  await db.transaction().execute((trx) => setDefault(trx, name));
  return getModelInfo(db, name);
}

/**
 * Remove a model from the registry (its file too, when no other model uses the same bytes). Prediction runs
 * and segments made with it stay: they record the model's name and version.
 */
export async function removeModel(services: Pick<Services, 'dataDir' | 'db'>, name: string): Promise<{ removed: string }> {
  const { row } = await getStoredModel(services.db.writer, services.dataDir, name);
  if (row.builtin === 1) throw new FramewiseError('usage', `"${name}" is the built-in model and cannot be removed`);
  await services.db.writer.transaction().execute(async (trx) => {
    await trx.deleteFrom('models').where('id', '=', row.id).execute();
    if (row.is_default === 1) {
      const next = await trx
        .selectFrom('models')
        .select('name')
        .where('task', '<>', 'embedding')
        .orderBy('builtin', 'desc')
        .orderBy('id')
        .executeTakeFirst();
      if (next) await trx.updateTable('models').set({ is_default: 1 }).where('name', '=', next.name).execute();
    }
  });
  await removeFileIfUnused(services, row.file);
  return { removed: name };
}
