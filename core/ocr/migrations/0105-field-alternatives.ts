import type { Migration } from '../../db/migration.js';

/** Competing OCR readings of a patient field (encrypted JSON list), shown to the reviewer. Shipped: never edit. */
export const fieldAlternativesMigration: Migration = {
  version: 105,
  name: 'patient field alternatives',
  up: `
      CREATE TABLE patient_field_alternatives (
        video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
        field TEXT NOT NULL,
        values_enc BLOB NOT NULL,
        PRIMARY KEY (video_id, field)
      );
  `,
};
