import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { nowIso } from '../db/open.js';
import { FramewiseError } from '../util/errors.js';
import { errorForLog } from '../util/log.js';
import { slot, type Services } from '../services.js';
import { keyFilePath, LibraryKey } from './crypto.js';
import { sealPlainRows } from '../db/sealed-text.js';

/** The key, once loaded, per open library (so a swapped key file is noticed by the next open). */
const keySlot = slot<{ key: LibraryKey | null }>('patient.key', () => ({ key: null }));

/**
 * The library's patient-data key. Created with the first patient data; afterwards a missing or foreign key
 * file is an error (never silently replaced: that would orphan the encrypted data).
 */
export async function libraryKey(
  services: Pick<Services, 'dataDir' | 'db' | 'use'>,
  db: Kysely<Database> = services.db.reader,
  writer: Kysely<Database> = services.db.writer,
): Promise<LibraryKey> {
  const cached = services.use(keySlot);
  if (cached.key) return cached.key;
  const dataDir = services.dataDir;
  const check = await db.selectFrom('patient_key_check').select('key_id').where('id', '=', 1).executeTakeFirst();
  const key = await LibraryKey.load(dataDir, { create: !check });
  if (!key) {
    throw new FramewiseError(
      'wrong_key',
      `The library's key file ${keyFilePath(dataDir)} is missing: its patient data cannot be decrypted. Restore the key file from a backup.`,
    );
  }
  if (check && !key.matchesId(check.key_id)) {
    throw new FramewiseError(
      'wrong_key',
      `The key file ${key.file} does not belong to this library: its patient data cannot be decrypted.`,
    );
  }
  if (!check) {
    await writer
      .insertInto('patient_key_check')
      .values({ id: 1, key_id: key.keyId, created_at: nowIso() })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  cached.key = key;
  services.db.sealed.unlock(key);
  return key;
}

/**
 * At every open: load the key (creating it for a new library) so that file names, paths and job data are sealed
 * on write and opened on read. A missing or foreign key file leaves them sealed (shown so) and refuses to write
 * new ones, with the reason; the library still opens (listing and ids work without the key).
 */
export async function unlockLibraryText(services: Pick<Services, 'dataDir' | 'db' | 'use' | 'log'>): Promise<void> {
  try {
    await libraryKey(services);
  } catch (err) {
    // Missing, foreign or unreadable key, or no room to create one (a full disk): the library still opens to read.
    services.db.sealed.lock(
      err instanceof FramewiseError
        ? err
        : new FramewiseError('wrong_key', `The library key could not be loaded: ${(err as Error).message}`),
    );
    services.log.warn({ code: err instanceof FramewiseError ? err.code : 'key_unavailable' }, 'library key not loaded: names stay sealed');
    return;
  }
  try {
    const n = sealPlainRows(services.db.raw, services.db.sealed);
    if (n) services.log.info({ values: n }, 'sealed plain-text names and job data of an older library');
  } catch (err) {
    // Rolled back (e.g. disk full): the mark stays, the next open tries again. Reads open sealed and plain alike.
    services.log.warn({ err: errorForLog(err) }, 'sealing an older library failed; retried at the next open');
  }
}
