import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/schema.js';
import type { LibraryKey } from './crypto.js';

/** Table owned by the OCR capability (migration 105): competing readings of a field, encrypted. */
export type AlternativesTables = {
  patient_field_alternatives: { video_id: number; field: string; values_enc: Buffer };
};

type Db = Kysely<Database> | Transaction<Database>;
const ctx = (videoId: number, field: string) => `patient_field_alternatives:${videoId}:${field}`;
const valuesSchema = z.array(z.string().max(200)).max(5);

/** Store (or, with none, remove) the competing readings of a field. Patient data: encrypted, never logged. */
export async function writeAlternatives(
  db: Db,
  key: LibraryKey,
  videoId: number,
  field: string,
  values: string[] | undefined,
): Promise<void> {
  const t = db.withTables<AlternativesTables>();
  if (!values?.length) {
    await t.deleteFrom('patient_field_alternatives').where('video_id', '=', videoId).where('field', '=', field).execute();
    return;
  }
  const values_enc = key.encrypt(JSON.stringify(valuesSchema.parse(values)), ctx(videoId, field));
  await t
    .insertInto('patient_field_alternatives')
    .values({ video_id: videoId, field, values_enc })
    .onConflict((oc) => oc.columns(['video_id', 'field']).doUpdateSet({ values_enc }))
    .execute();
}

export async function readAlternatives(db: Db, key: LibraryKey, videoId: number): Promise<Map<string, string[]>> {
  const rows = await db
    .withTables<AlternativesTables>()
    .selectFrom('patient_field_alternatives')
    .select(['field', 'values_enc'])
    .where('video_id', '=', videoId)
    .execute();
  return new Map(rows.map((r) => [r.field, valuesSchema.parse(JSON.parse(key.decrypt(r.values_enc, ctx(videoId, r.field))))]));
}
