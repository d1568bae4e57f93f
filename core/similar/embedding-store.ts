import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Migration } from '../db/migrations.js';
import { nowIso } from '../db/open.js';
import { embeddingManifestSchema, type EmbeddingManifest } from '../predict/manifest.js';
import { FramewiseError, isNodeError } from '../util/errors.js';
import type { ClipTables } from '../clips/store.js';
import type { Db } from './store.js';

/** An embedding model: its manifest and .onnx file (referenced where they are), keyed by their content. */
export interface EmbeddingModelsTable {
  name: string;
  manifest_json: string;
  model_path: string;
  /** sha256 of the manifest and the .onnx file: a clip's embedding is recomputed when this changes. */
  model_key: string;
  added_at: string;
}

/** One clip's embedding (the mean of its keyframes' vectors), float32 little-endian. */
export interface ClipEmbeddingsTable {
  clip_id: number;
  model_name: string;
  model_key: string;
  video_id: number;
  keyframes: number;
  vector: Uint8Array;
}

export type EmbeddingTables = { embedding_models: EmbeddingModelsTable; clip_embeddings: ClipEmbeddingsTable } & ClipTables;
export const embeddingTables = (db: Db) => db.withTables<EmbeddingTables>();

export const embeddingMigrations: Migration[] = [
  {
    version: 91,
    name: 'embedding models and clip embeddings',
    up: `
      CREATE TABLE embedding_models (
        name TEXT PRIMARY KEY,
        manifest_json TEXT NOT NULL,
        model_path TEXT NOT NULL,
        model_key TEXT NOT NULL,
        added_at TEXT NOT NULL
      );
      CREATE TABLE clip_embeddings (
        clip_id INTEGER NOT NULL REFERENCES clips(id) ON DELETE CASCADE,
        model_name TEXT NOT NULL REFERENCES embedding_models(name) ON DELETE CASCADE,
        model_key TEXT NOT NULL,
        video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
        keyframes INTEGER NOT NULL,
        vector BLOB NOT NULL,
        PRIMARY KEY (clip_id, model_name)
      );
    `,
  },
];

export interface EmbeddingModel {
  name: string;
  manifest: EmbeddingManifest;
  modelPath: string;
  modelKey: string;
}

async function readOrFail(file: string, what: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    if (isNodeError(err) && err.code === 'ENOENT') throw new FramewiseError('file_missing', `${file}: the ${what} does not exist`);
    throw new FramewiseError('file_unreadable', `${file}: cannot read the ${what} (${(err as Error).message})`);
  }
}

/** Validate an embedding model's manifest and file and record it (again, when either changed). */
export async function addEmbeddingModel(db: Db, manifestPath: string): Promise<EmbeddingModel> {
  const abs = path.resolve(manifestPath);
  const text = await readOrFail(abs, 'manifest');
  let json: unknown;
  try {
    json = JSON.parse(text.toString('utf8'));
  } catch (err) {
    throw new FramewiseError('invalid_model', `${abs}: the manifest is not valid JSON (${(err as Error).message})`);
  }
  const parsed = embeddingManifestSchema.safeParse(json);
  if (!parsed.success)
    throw new FramewiseError(
      'invalid_model',
      `${abs}: invalid embedding model manifest: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`).join('; ')}`,
    );
  const manifest = parsed.data;
  if (path.isAbsolute(manifest.file)) throw new FramewiseError('invalid_model', `${abs}: "file" must be relative to the manifest's folder`);
  const modelPath = path.resolve(path.dirname(abs), manifest.file);
  const bytes = await readOrFail(modelPath, 'model file');
  const modelKey = createHash('sha256').update(JSON.stringify(manifest)).update(bytes).digest('hex');
  const row = {
    name: manifest.name,
    manifest_json: JSON.stringify(manifest),
    model_path: modelPath,
    model_key: modelKey,
    added_at: nowIso(),
  };
  await embeddingTables(db)
    .insertInto('embedding_models')
    .values(row)
    .onConflict((oc) => oc.column('name').doUpdateSet(row))
    .execute();
  return { name: manifest.name, manifest, modelPath, modelKey };
}

export async function getEmbeddingModel(db: Db, name: string): Promise<EmbeddingModel> {
  const r = await embeddingTables(db).selectFrom('embedding_models').selectAll().where('name', '=', name).executeTakeFirst();
  if (!r) throw new FramewiseError('not_found', `No embedding model named "${name}" (add one with its manifest first)`);
  return {
    name: r.name,
    manifest: embeddingManifestSchema.parse(JSON.parse(r.manifest_json)),
    modelPath: r.model_path,
    modelKey: r.model_key,
  };
}

export async function listEmbeddingModels(db: Db): Promise<Array<{ name: string; version: string; length: number; modelKey: string }>> {
  const rows = await embeddingTables(db).selectFrom('embedding_models').selectAll().orderBy('name').execute();
  return rows.map((r) => {
    const m = embeddingManifestSchema.parse(JSON.parse(r.manifest_json));
    return { name: r.name, version: m.version, length: m.output.length, modelKey: r.model_key };
  });
}
