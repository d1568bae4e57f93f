import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FramewiseError, isNodeError } from '../util/errors.js';

const VERSION = 1;
const HEADER = 'framewise-library-key v1\n';

/** Where a library's key lives: beside the database, never inside it. */
export function keyFilePath(dataDir: string): string {
  return path.join(dataDir, 'keys', 'library.key');
}

/**
 * A library's secret: AES-256-GCM for patient data at rest and an HMAC secret for patient pseudonyms,
 * both derived (HKDF-SHA256) from 32 random bytes kept in a key file readable only by the user.
 */
export class LibraryKey {
  private constructor(
    private readonly encKey: Buffer,
    private readonly macKey: Buffer,
    /** Public identifier of the key (HMAC of a constant): lets the library tell a wrong key file apart. */
    readonly keyId: string,
    readonly file: string,
  ) {}

  static fromSecret(secret: Buffer, file = ''): LibraryKey {
    if (secret.length !== 32) throw new FramewiseError('verification_failed', `The key file ${file} is damaged`);
    const derive = (info: string) => Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), info, 32));
    const mac = derive('framewise patient pseudonym');
    const keyId = createHmac('sha256', derive('framewise key id')).update('key-id').digest('hex').slice(0, 32);
    return new LibraryKey(derive('framewise patient data aes-256-gcm'), mac, keyId, file);
  }

  /** Read the library's key file; create it (mode 0600 in a 0700 folder) when `create` and it does not exist. */
  static async load(dataDir: string, opts: { create: boolean }): Promise<LibraryKey | null> {
    const file = keyFilePath(dataDir);
    try {
      const text = await readFile(file, 'utf8');
      if (!text.startsWith(HEADER)) throw new FramewiseError('verification_failed', `The key file ${file} is not a Framewise library key`);
      if (process.platform !== 'win32') await chmod(file, 0o600).catch(() => undefined);
      return LibraryKey.fromSecret(Buffer.from(text.slice(HEADER.length).trim(), 'hex'), file);
    } catch (err) {
      if (!(isNodeError(err) && err.code === 'ENOENT')) throw err;
    }
    if (!opts.create) return null;
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const secret = randomBytes(32);
    // Written whole to a private temporary name, then hard-linked into place: the link either appears complete or
    // fails with EEXIST, so a process opening the same new library at the same moment never reads a half-written key.
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(tmp, `${HEADER}${secret.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    try {
      await link(tmp, file);
    } catch (err) {
      // Another process created it first: use theirs.
      if (isNodeError(err) && err.code === 'EEXIST') return LibraryKey.load(dataDir, { create: false });
      throw err;
    } finally {
      await unlink(tmp).catch(() => undefined);
    }
    return LibraryKey.fromSecret(secret, file);
  }

  /** Authenticated encryption of a UTF-8 string; `context` (e.g. "field:12:last_name") is bound as associated data. */
  encrypt(plaintext: string | Buffer, context: string): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encKey, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ct = Buffer.concat([cipher.update(typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), ct]);
  }

  decryptBytes(blob: Buffer | Uint8Array, context: string): Buffer {
    const b = Buffer.from(blob);
    if (b.length < 29 || b[0] !== VERSION) throw new FramewiseError('verification_failed', 'Encrypted patient data is damaged');
    const decipher = createDecipheriv('aes-256-gcm', this.encKey, b.subarray(1, 13));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(b.subarray(13, 29));
    try {
      return Buffer.concat([decipher.update(b.subarray(29)), decipher.final()]);
    } catch {
      throw new FramewiseError('verification_failed', 'Patient data failed authentication: wrong library key or tampered data');
    }
  }

  decrypt(blob: Buffer | Uint8Array, context: string): string {
    return this.decryptBytes(blob, context).toString('utf8');
  }

  /**
   * Keyed pseudonym of a patient: HMAC-SHA256(library secret, normalised "last|first|dob"). The same patient
   * gets the same pseudonym across videos of this library; without the key file it reveals nothing.
   */
  pseudonym(last: string, first: string, dob: string): string {
    const norm = (s: string) => s.normalize('NFC').toLocaleLowerCase('de').replace(/\s+/g, ' ').trim();
    return createHmac('sha256', this.macKey)
      .update(`${norm(last)}|${norm(first)}|${dob.trim()}`)
      .digest('hex');
  }

  /** Keyed tag (HMAC-SHA256) of a text that is only compared, never read back, e.g. a job's dedupe key. */
  tag(text: string, context: string): string {
    return createHmac('sha256', this.macKey).update(`${context}\n${text}`).digest('hex');
  }

  matchesId(keyId: string): boolean {
    const a = Buffer.from(this.keyId);
    const b = Buffer.from(keyId);
    return a.length === b.length && timingSafeEqual(a, b);
  }
}
