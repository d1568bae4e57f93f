import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import { nowIso } from '../db/open.js';
import type { Box } from '../util/box.js';
import { FramewiseError } from '../util/errors.js';
import type { LibraryKey } from './crypto.js';
import { readAlternatives, writeAlternatives } from './alternatives.js';
import { parseDateInput } from './dates.js';
import { PATIENT_FIELDS, type PatientField } from './fields.js';

type Db = Kysely<Database> | Transaction<Database>;

/** A stored patient field as the reviewer sees it (decrypted). */
export interface PatientFieldView {
  field: PatientField;
  value: string;
  confidence: number | null;
  frame: number | null;
  box: Box | null;
  source: 'ocr' | 'manual';
  verified: boolean;
  hasCrop: boolean;
  updatedAt: string;
  /** Competing OCR readings the reviewer should compare (absent when OCR was sure or the field was corrected). */
  alternatives?: string[];
}

export interface AuditEntry {
  id: number;
  field: string;
  action: 'ocr' | 'set' | 'clear' | 'verify' | 'unverify';
  who: string;
  at: string;
  oldValue: string | null;
  newValue: string | null;
}

const ctx = {
  value: (videoId: number, field: string) => `patient_fields.value:${videoId}:${field}`,
  crop: (videoId: number, field: string) => `patient_fields.crop:${videoId}:${field}`,
  audit: (videoId: number, field: string, side: 'old' | 'new') => `patient_audit.${side}:${videoId}:${field}`,
};

export function textsContext(videoId: number): string {
  return `ocr_results.texts:${videoId}`;
}

/** Validate and normalise a user-entered value: dates to ISO, time to HH:MM[:SS], names trimmed. */
export function normalizeFieldValue(field: PatientField, value: string): string {
  const v = value.normalize('NFC').replace(/\s+/g, ' ').trim();
  if (!v) throw new FramewiseError('usage', `${field}: empty value (use clear to remove a field)`);
  if (v.length > 200) throw new FramewiseError('usage', `${field}: value too long`);
  if (field === 'dob' || field === 'examination_date') {
    const iso = parseDateInput(v);
    if (!iso)
      throw new FramewiseError('usage', `${field}: not a date (use YYYY-MM-DD, DD.MM.YYYY or DD/MM/YYYY)`, { field, expected: 'date' });
    return iso;
  }
  if (field === 'examination_time' && !/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/.test(v)) {
    throw new FramewiseError('usage', `${field}: not a time (use HH:MM or HH:MM:SS)`, { field, expected: 'time' });
  }
  return v;
}

async function audit(
  db: Db,
  key: LibraryKey,
  videoId: number,
  field: string,
  action: AuditEntry['action'],
  who: string,
  oldValue: string | null,
  newValue: string | null,
) {
  await db
    .insertInto('patient_audit')
    .values({
      video_id: videoId,
      field,
      action,
      who,
      at: nowIso(),
      old_enc: oldValue === null ? null : key.encrypt(oldValue, ctx.audit(videoId, field, 'old')),
      new_enc: newValue === null ? null : key.encrypt(newValue, ctx.audit(videoId, field, 'new')),
    })
    .execute();
}

async function readValue(
  db: Db,
  key: LibraryKey,
  videoId: number,
  field: string,
): Promise<{ value: string; verified: boolean; source: string } | null> {
  const row = await db
    .selectFrom('patient_fields')
    .select(['value_enc', 'verified', 'source'])
    .where('video_id', '=', videoId)
    .where('field', '=', field)
    .executeTakeFirst();
  return row ? { value: key.decrypt(row.value_enc, ctx.value(videoId, field)), verified: row.verified === 1, source: row.source } : null;
}

/** Recompute the patient's keyed pseudonym from last name, first name and date of birth (all three needed). */
async function updatePseudonym(db: Db, key: LibraryKey, videoId: number): Promise<void> {
  const [last, first, dob] = await Promise.all(['last_name', 'first_name', 'dob'].map((f) => readValue(db, key, videoId, f)));
  if (last && first && dob) {
    const pseudonym = key.pseudonym(last.value, first.value, dob.value);
    await db
      .insertInto('patient_identity')
      .values({ video_id: videoId, pseudonym, updated_at: nowIso() })
      .onConflict((oc) => oc.column('video_id').doUpdateSet({ pseudonym, updated_at: nowIso() }))
      .execute();
  } else {
    await db.deleteFrom('patient_identity').where('video_id', '=', videoId).execute();
  }
}

export interface OcrFieldInput {
  value: string;
  confidence: number;
  frame: number;
  box: Box;
  crop: Buffer | null;
  alternatives?: string[];
}

/**
 * Store what OCR read. A field a reviewer corrected or verified is kept as it is; other fields are replaced
 * (or cleared when OCR no longer finds them). Every change is audited.
 */
export async function storeOcrFields(
  trx: Db,
  key: LibraryKey,
  videoId: number,
  fields: Partial<Record<PatientField, OcrFieldInput>>,
  who: string,
): Promise<void> {
  for (const field of PATIENT_FIELDS) {
    const existing = await trx
      .selectFrom('patient_fields')
      .select(['value_enc', 'verified', 'source'])
      .where('video_id', '=', videoId)
      .where('field', '=', field)
      .executeTakeFirst();
    if (existing && (existing.verified === 1 || existing.source === 'manual')) continue;
    const old = existing ? key.decrypt(existing.value_enc, ctx.value(videoId, field)) : null;
    const f = fields[field];
    if (!f) {
      if (existing) {
        await trx.deleteFrom('patient_fields').where('video_id', '=', videoId).where('field', '=', field).execute();
        await writeAlternatives(trx, key, videoId, field, undefined);
        await audit(trx, key, videoId, field, 'clear', who, old, null);
      }
      continue;
    }
    const row = {
      value_enc: key.encrypt(f.value, ctx.value(videoId, field)),
      confidence: f.confidence,
      frame: f.frame,
      box_json: JSON.stringify(f.box),
      crop_enc: f.crop ? key.encrypt(f.crop, ctx.crop(videoId, field)) : null,
      source: 'ocr',
      verified: 0,
      updated_at: nowIso(),
    };
    await trx
      .insertInto('patient_fields')
      .values({ video_id: videoId, field, ...row })
      .onConflict((oc) => oc.columns(['video_id', 'field']).doUpdateSet(row))
      .execute();
    await writeAlternatives(trx, key, videoId, field, f.alternatives);
    if (old !== f.value) await audit(trx, key, videoId, field, 'ocr', who, old, f.value);
  }
  await updatePseudonym(trx, key, videoId);
}

export interface FieldChanges {
  set?: Partial<Record<PatientField, string>>;
  clear?: PatientField[];
  verify?: PatientField[];
  unverify?: PatientField[];
}

/** A reviewer's corrections: set values (normalised), clear, verify, unverify — each audited with old → new. */
export async function changeFields(
  db: Kysely<Database>,
  key: LibraryKey,
  videoId: number,
  changes: FieldChanges,
  who: string,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const [f, raw] of Object.entries(changes.set ?? {})) {
      const field = f as PatientField;
      const value = normalizeFieldValue(field, raw!);
      const old = await readValue(trx, key, videoId, field);
      if (old && old.value === value && old.source === 'manual') continue;
      const row = {
        value_enc: key.encrypt(value, ctx.value(videoId, field)),
        source: 'manual',
        verified: old?.verified ? 1 : 0,
        updated_at: nowIso(),
      };
      if (old && old.value === value) {
        // Confirming OCR's value by typing it: keep its confidence, frame and crop.
        await trx
          .updateTable('patient_fields')
          .set({ source: 'manual', updated_at: row.updated_at })
          .where('video_id', '=', videoId)
          .where('field', '=', field)
          .execute();
      } else {
        await trx
          .insertInto('patient_fields')
          .values({ video_id: videoId, field, ...row, confidence: null, frame: null, box_json: null, crop_enc: null })
          .onConflict((oc) => oc.columns(['video_id', 'field']).doUpdateSet({ ...row, confidence: null }))
          .execute();
      }
      // Typing the value that is already there changes only its source: nothing to log as "X → X".
      if (old?.value !== value) await audit(trx, key, videoId, field, 'set', who, old?.value ?? null, value);
    }
    for (const field of changes.clear ?? []) {
      const old = await readValue(trx, key, videoId, field);
      if (!old) continue;
      await trx.deleteFrom('patient_fields').where('video_id', '=', videoId).where('field', '=', field).execute();
      await audit(trx, key, videoId, field, 'clear', who, old.value, null);
    }
    for (const [list, verified] of [
      [changes.verify ?? [], 1],
      [changes.unverify ?? [], 0],
    ] as const) {
      for (const field of list) {
        const cur = await readValue(trx, key, videoId, field);
        if (!cur) throw new FramewiseError('precondition', `${field} has no value to ${verified ? 'verify' : 'unverify'}`);
        if ((cur.verified ? 1 : 0) === verified) continue;
        await trx
          .updateTable('patient_fields')
          .set({ verified, updated_at: nowIso() })
          .where('video_id', '=', videoId)
          .where('field', '=', field)
          .execute();
        await audit(trx, key, videoId, field, verified ? 'verify' : 'unverify', who, cur.value, cur.value);
      }
    }
    await updatePseudonym(trx, key, videoId);
  });
}

export async function readFields(db: Db, key: LibraryKey, videoId: number): Promise<PatientFieldView[]> {
  const rows = await db.selectFrom('patient_fields').selectAll().where('video_id', '=', videoId).execute();
  const alternatives = await readAlternatives(db, key, videoId);
  const order = (f: string) => PATIENT_FIELDS.indexOf(f as PatientField);
  return rows
    .sort((a, b) => order(a.field) - order(b.field))
    .map((r) => ({
      field: r.field as PatientField,
      value: key.decrypt(r.value_enc, ctx.value(videoId, r.field)),
      confidence: r.confidence,
      frame: r.frame,
      box: r.box_json ? (JSON.parse(r.box_json) as Box) : null,
      source: r.source as 'ocr' | 'manual',
      verified: r.verified === 1,
      hasCrop: r.crop_enc !== null,
      updatedAt: r.updated_at,
      ...(alternatives.get(r.field) && r.source === 'ocr' ? { alternatives: alternatives.get(r.field)! } : {}),
    }));
}

export async function readCrop(db: Db, key: LibraryKey, videoId: number, field: PatientField): Promise<Buffer | null> {
  const r = await db
    .selectFrom('patient_fields')
    .select('crop_enc')
    .where('video_id', '=', videoId)
    .where('field', '=', field)
    .executeTakeFirst();
  return r?.crop_enc ? key.decryptBytes(r.crop_enc, ctx.crop(videoId, field)) : null;
}

export async function readAudit(db: Db, key: LibraryKey, videoId: number): Promise<AuditEntry[]> {
  const rows = await db.selectFrom('patient_audit').selectAll().where('video_id', '=', videoId).orderBy('id').execute();
  return rows.map((r) => ({
    id: r.id,
    field: r.field,
    action: r.action as AuditEntry['action'],
    who: r.who,
    at: r.at,
    oldValue: r.old_enc ? key.decrypt(r.old_enc, ctx.audit(videoId, r.field, 'old')) : null,
    newValue: r.new_enc ? key.decrypt(r.new_enc, ctx.audit(videoId, r.field, 'new')) : null,
  }));
}

export async function readPseudonym(db: Db, videoId: number): Promise<string | null> {
  const r = await db.selectFrom('patient_identity').select('pseudonym').where('video_id', '=', videoId).executeTakeFirst();
  return r?.pseudonym ?? null;
}

/** Videos of the same patient (same keyed pseudonym). */
export async function videosOfPseudonym(db: Db, pseudonym: string): Promise<number[]> {
  const rows = await db.selectFrom('patient_identity').select('video_id').where('pseudonym', '=', pseudonym).orderBy('video_id').execute();
  return rows.map((r) => r.video_id);
}

/**
 * Videos whose case number or exam date contains `query` (case-insensitive; dates also as typed in German
 * or US order, e.g. "07.09.2024"). Values are decrypted here, compared, and dropped: nothing is logged.
 */
export async function searchFields(db: Db, key: LibraryKey, query: string): Promise<number[]> {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const asDate = parseDateInput(q);
  const rows = await db
    .selectFrom('patient_fields')
    .select(['video_id', 'field', 'value_enc'])
    .where('field', 'in', ['casenumber', 'examination_date'])
    .execute();
  const hits = new Set<number>();
  for (const r of rows) {
    const v = key.decrypt(r.value_enc, ctx.value(r.video_id, r.field)).toLowerCase();
    if (v.includes(q) || (asDate !== null && r.field === 'examination_date' && v === asDate)) hits.add(r.video_id);
  }
  return [...hits].sort((a, b) => a - b);
}
