import type { Migration } from '../../db/migration.js';

/** Container/stream tags are patient data: stored sealed with the library key (core/library/sealed-tags.ts). */
export const sealedTagsMigration: Migration = {
  version: 53,
  name: 'sealed container tags',
  up: `
      CREATE TABLE video_sealed_tags (
        video_id INTEGER PRIMARY KEY REFERENCES videos(id) ON DELETE CASCADE,
        tags_enc BLOB NOT NULL
      );
    `,
};
