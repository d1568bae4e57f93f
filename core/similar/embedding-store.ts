import { createHash } from 'node:crypto';
import type { Migration } from '../db/migrations.js';
import { embeddingManifestSchema, type EmbeddingManifest } from '../predict/manifest.js';
import { getStoredEmbeddingModel, listEmbeddingModelRows } from '../predict/model-store.js';
import type { Services } from '../services.js';
import type { ClipTables } from '../clips/store.js';
import type { Db } from './store.js';

/**
 * Embedding models live in the model store of the prediction models (`framewise models add`, task
 * "embedding": validated, copied into the library, listed with the others). Here: the clips' embeddings.
 */

/** One clip's embedding (the mean of its keyframes' vectors), float32 little-endian. */
export interface ClipEmbeddingsTable {
  clip_id: number;
  model_name: string;
  model_key: string;
  video_id: number;
  keyframes: number;
  vector: Uint8Array;
}

export type EmbeddingTables = { clip_embeddings: ClipEmbeddingsTable } & ClipTables;
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
  {
    // Embedding models moved into the model store (`models`, task "embedding"): the separate list of models
    // referenced outside the library goes; clip embeddings (recomputable) follow the store's models.
    version: 92,
    name: 'clip embeddings of models in the model store',
    up: `
      DROP TABLE clip_embeddings;
      DROP TABLE embedding_models;
      CREATE TABLE clip_embeddings (
        clip_id INTEGER NOT NULL REFERENCES clips(id) ON DELETE CASCADE,
        model_name TEXT NOT NULL REFERENCES models(name) ON DELETE CASCADE,
        model_key TEXT NOT NULL,
        video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
        keyframes INTEGER NOT NULL,
        vector BLOB NOT NULL,
        PRIMARY KEY (clip_id, model_name)
      );
      CREATE INDEX clip_embeddings_video ON clip_embeddings(video_id, model_name);
    `,
  },
];

export interface EmbeddingModel {
  name: string;
  manifest: EmbeddingManifest;
  /** The .onnx file in the library's model store. */
  modelPath: string;
  /** Manifest and file content: a clip's embedding is recomputed when this changes. */
  modelKey: string;
}

const keyOf = (manifestJson: string, sha256: string) => createHash('sha256').update(manifestJson).update(sha256).digest('hex');

export async function getEmbeddingModel(s: Pick<Services, 'db' | 'dataDir'>, name: string): Promise<EmbeddingModel> {
  const m = await getStoredEmbeddingModel(s.db.reader, s.dataDir, name);
  return { name: m.row.name, manifest: m.manifest, modelPath: m.file, modelKey: keyOf(m.row.manifest_json, m.row.sha256) };
}

export async function listEmbeddingModels(db: Db): Promise<Array<{ name: string; version: string; length: number; modelKey: string }>> {
  return (await listEmbeddingModelRows(db)).map((r) => {
    const m = embeddingManifestSchema.parse(JSON.parse(r.manifest_json));
    return { name: r.name, version: m.version, length: m.output.length, modelKey: keyOf(r.manifest_json, r.sha256) };
  });
}
