import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { Core } from '../../core/core.js';
import { keyFilePath, LibraryKey } from '../../core/patient/crypto.js';
import { getAnonymizationTargets, getEndoscopeRegion } from '../../core/ocr/index.js';
import { ocrSourceProvider } from '../../core/anonymize/providers/ocr.js';
import { getVideoRow } from '../../core/library/videos.js';
import { FramewiseError } from '../../core/util/errors.js';
import { importAndWait, openTempCore, tempDir } from '../helpers/library.js';
import { overlayMedia, type OverlaySpec } from './overlay-media.js';

const spec = (exam: string, name = 'Müller, Jürgen', dob = '03.07.1961'): OverlaySpec => ({
  duration: 2,
  endoscope: { shape: 'circle', x: 40, y: 80, size: 560 },
  lines: [
    { text: name, x: 900, y: 30 },
    { text: `geb. ${dob}`, x: 900, y: 75 },
    { text: `${exam} 14:31`, x: 900, y: 120 },
  ],
});

/** Every byte of the library's database files (main file, WAL, shared memory). */
function dbBytes(dataDir: string): Buffer {
  const base = path.join(dataDir, 'library.sqlite');
  return Buffer.concat(['', '-wal', '-shm'].filter((s) => existsSync(base + s)).map((s) => readFileSync(base + s)));
}

async function ocr(core: Core, videoId: number) {
  const { job } = await core.call('ocr.start', { video: videoId, samples: 3 });
  const done = await core.services.jobs.waitFor(job.id, 120_000);
  assert.equal(done.state, 'succeeded', JSON.stringify(done.error));
  return done;
}

describe('patient data storage', () => {
  let lib: Awaited<ReturnType<typeof openTempCore>>;
  let v1: number;
  let v2: number;
  let v3: number;
  before(async () => {
    lib = await openTempCore();
    await lib.core.call('settings.set', { key: 'reviewerName', value: 'Dr. Test' });
    const files = await Promise.all([
      overlayMedia('store-a', spec('12.05.2023')),
      overlayMedia('store-b', spec('19.05.2023')),
      overlayMedia('store-c', spec('19.05.2023', 'Schäfer, Anna', '23.11.1985')),
    ]);
    const jobs = await importAndWait(lib.core, files);
    [v1, v2, v3] = jobs.map((j) => (j.output as { videoId: number }).videoId) as [number, number, number];
  });
  after(async () => {
    await lib?.close();
  });

  test('the ocr job stores the fields; the job record holds no patient value', async () => {
    const job = await ocr(lib.core, v1);
    const out = job.output as Record<string, unknown>;
    assert.equal(out.sealed, undefined, 'sealed result consumed by commit');
    assert.ok(!JSON.stringify(job).includes('Müller'));
    const data = await lib.core.call('patient.get', { video: v1 });
    const byField = Object.fromEntries(data.fields.map((f) => [f.field, f]));
    assert.equal(byField.last_name?.value, 'Müller');
    assert.equal(byField.first_name?.value, 'Jürgen');
    assert.equal(byField.dob?.value, '1961-07-03');
    assert.equal(byField.examination_date?.value, '2023-05-12');
    assert.equal(byField.last_name?.source, 'ocr');
    assert.ok(byField.last_name!.frame !== null && byField.last_name!.box !== null && byField.last_name!.confidence! > 0.5);
    const crop = await lib.core.call('patient.crop', { video: v1, field: 'last_name' });
    assert.equal(Buffer.from(crop.png!, 'base64').subarray(1, 4).toString(), 'PNG');
    assert.equal(data.endoscope?.shape, 'circle');
    const region = await getEndoscopeRegion(lib.core.services.db.reader, v1);
    assert.equal(region?.source, 'detected');
    assert.ok(region!.width > 500 && region!.width < 600);
  });

  test('a copied database file reveals no patient data; the key file lives outside it, mode 0600', async () => {
    const bytes = dbBytes(lib.dataDir);
    for (const secret of ['Müller', 'Jürgen', 'Jurgen', '1961-07-03', '03.07.1961', '2023-05-12']) {
      assert.equal(bytes.indexOf(Buffer.from(secret, 'utf8')), -1, `plaintext found in the database files`);
      assert.equal(bytes.indexOf(Buffer.from(secret, 'utf16le')), -1);
    }
    const keyFile = keyFilePath(lib.dataDir);
    assert.ok(!keyFile.startsWith(path.join(lib.dataDir, 'library.sqlite')));
    if (process.platform !== 'win32') assert.equal(statSync(keyFile).mode & 0o777, 0o600);
  });

  test('corrections and verification are audited (who, when, old → new) and survive a new OCR run', async () => {
    await lib.core.call('patient.update', { video: v1, set: { first_name: 'Jürgen-Paul', casenumber: 'F-1' }, verify: ['last_name'] });
    await assert.rejects(
      lib.core.call('patient.update', { video: v1, set: { dob: 'yesterday' } }),
      (e: FramewiseError) => e.code === 'usage',
    );
    await lib.core.call('patient.update', { video: v1, set: { dob: '4.7.1961' } });
    // The same date typed again in another form is no change: no "1961-07-04 → 1961-07-04" in the audit.
    await lib.core.call('patient.update', { video: v1, set: { dob: '04.07.1961' } });
    await assert.rejects(
      lib.core.call('patient.update', { video: v1, set: { dob: '31.02.1961' } }),
      (e: FramewiseError) => e.code === 'usage' && (e.details as { field?: string } | undefined)?.field === 'dob',
    );
    const audit = await lib.core.call('patient.audit', { video: v1 });
    const set = audit.filter((a) => a.action === 'set');
    assert.deepEqual(
      set.map((a) => [a.field, a.oldValue, a.newValue, a.who]),
      [
        ['first_name', 'Jürgen', 'Jürgen-Paul', 'Dr. Test'],
        ['casenumber', null, 'F-1', 'Dr. Test'],
        ['dob', '1961-07-03', '1961-07-04', 'Dr. Test'],
      ],
    );
    assert.ok(audit.some((a) => a.action === 'verify' && a.field === 'last_name' && a.who === 'Dr. Test'));
    assert.ok(audit.some((a) => a.action === 'ocr' && a.field === 'last_name' && a.newValue === 'Müller'));
    assert.ok(audit.every((a) => !Number.isNaN(Date.parse(a.at))));
    await ocr(lib.core, v1);
    const f = Object.fromEntries((await lib.core.call('patient.get', { video: v1 })).fields.map((x) => [x.field, x]));
    assert.equal(f.first_name?.value, 'Jürgen-Paul', 'manual value kept');
    assert.equal(f.first_name?.source, 'manual');
    assert.equal(f.last_name?.verified, true);
    assert.equal(f.dob?.value, '1961-07-04');
    // Audit values are encrypted like the fields.
    assert.equal(dbBytes(lib.dataDir).indexOf(Buffer.from('Jürgen-Paul')), -1);
    // Put the values back for the pseudonym test.
    await lib.core.call('patient.update', { video: v1, set: { first_name: 'Jürgen', dob: '1961-07-03' } });
  });

  test('the keyed pseudonym links the same patient across videos, not others', async () => {
    await ocr(lib.core, v2);
    await ocr(lib.core, v3);
    const [a, b, c] = await Promise.all([v1, v2, v3].map((v) => lib.core.call('patient.get', { video: v })));
    assert.ok(a!.pseudonym && /^[0-9a-f]{64}$/.test(a!.pseudonym));
    assert.equal(a!.pseudonym, b!.pseudonym);
    assert.notEqual(a!.pseudonym, c!.pseudonym);
    assert.deepEqual(a!.samePatientVideos, [v2]);
    // Keyed: another library's key gives another pseudonym for the same patient.
    const other = LibraryKey.fromSecret(Buffer.alloc(32, 7));
    assert.notEqual(other.pseudonym('Müller', 'Jürgen', '1961-07-03'), a!.pseudonym);
  });

  test('anonymization gets the overlay boxes, the endoscope region and the values to verify against', async () => {
    const t = await getAnonymizationTargets(lib.core.services, v3);
    assert.ok(t);
    assert.equal(t.frameWidth, 1280);
    assert.ok(t.textBoxes.length >= 3);
    assert.ok(
      t.textBoxes.every((b) => b.x >= 880),
      'overlay boxes are the top-right text',
    );
    assert.equal(t.patientValues.last_name, 'Schäfer');
    assert.equal(t.endoscope?.shape, 'circle');
    // What the anonymization capability's OCR source provider makes of it (the one OCR → anonymization path).
    const src = await ocrSourceProvider.load(lib.core.services, await getVideoRow(lib.core.services.db.reader, v3));
    assert.equal(src.region?.shape, 'circle', 'the same shape names, no conversion');
    assert.ok((src.textBoxes?.length ?? 0) >= t.textBoxes.length);
    assert.equal(src.patient?.last_name, 'Schäfer');
    assert.equal(src.patient?.dob, '1985-11-23');
    assert.equal(src.patient?.verified, false);
    assert.equal(await getAnonymizationTargets(lib.core.services, 999), null);
  });

  test('a wrong key fails authentication; a missing key file is an error, never silently replaced', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const core = await Core.open({ dataDir: dir, runJobs: true });
      const [imp] = await importAndWait(core, [await overlayMedia('store-a', spec('12.05.2023'))]);
      const vid = (imp!.output as { videoId: number }).videoId;
      await core.call('patient.update', { video: vid, set: { last_name: 'Müller' } });
      await core.close();
      const keyFile = keyFilePath(dir);
      const original = readFileSync(keyFile);
      const foreign = LibraryKey.fromSecret(Buffer.alloc(32, 1));
      assert.throws(() => foreign.decrypt(LibraryKey.fromSecret(Buffer.alloc(32, 2)).encrypt('x', 'ctx'), 'ctx'), /authentication/);
      writeFileSync(keyFile, `framewise-library-key v1\n${Buffer.alloc(32, 9).toString('hex')}\n`);
      const again = await Core.open({ dataDir: dir });
      await assert.rejects(
        again.call('patient.get', { video: vid }),
        (e: FramewiseError) => e.code === 'wrong_key' && /does not belong/.test(e.message),
      );
      await again.close();
      // Tampered ciphertext with the right key: authentication fails too.
      writeFileSync(keyFile, original);
      const c3 = await Core.open({ dataDir: dir });
      c3.services.db.raw.prepare("UPDATE patient_fields SET value_enc = CAST(substr(value_enc, 1, 40) || X'00' AS BLOB)").run();
      await assert.rejects(c3.call('patient.get', { video: vid }), (e: FramewiseError) => e.code === 'verification_failed');
      await c3.close();
      const { rmSync } = await import('node:fs');
      rmSync(keyFile);
      const c4 = await Core.open({ dataDir: dir });
      await assert.rejects(
        c4.call('patient.get', { video: vid }),
        (e: FramewiseError) => e.code === 'wrong_key' && /missing/.test(e.message),
      );
      await c4.close();
      assert.ok(!existsSync(keyFile), 'no new key was made over existing data');
    } finally {
      cleanup();
    }
  });

  test('processes creating a new library key at the same moment all get the same complete key', async () => {
    const { spawn } = await import('node:child_process');
    const { readdirSync } = await import('node:fs');
    const { pathToFileURL } = await import('node:url');
    const cryptoModule = pathToFileURL(path.resolve('dist/core/patient/crypto.js')).href;
    const script = `const { LibraryKey } = await import(${JSON.stringify(cryptoModule)});
      const k = await LibraryKey.load(process.argv[1], { create: true }); process.stdout.write(k.keyId);`;
    const open = (dir: string) =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, ['--input-type=module', '-e', script, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.on('error', reject);
        child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(err.split('\n').find((l) => /Error/.test(l)) ?? err))));
      });
    for (let round = 0; round < 8; round++) {
      const { dir, cleanup } = tempDir();
      try {
        const ids = new Set(await Promise.all(Array.from({ length: 6 }, () => open(dir))));
        assert.equal(ids.size, 1, `round ${round}: every process reads the one key written`);
        assert.deepEqual(readdirSync(path.dirname(keyFilePath(dir))), ['library.key'], 'no temporary key file is left');
      } finally {
        cleanup();
      }
    }
  });
});
