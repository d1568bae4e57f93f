import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { libraryKey } from '../../core/patient/key.js';
import { storeOcrFields } from '../../core/patient/store.js';
import { importAndWait, openTempCore } from '../helpers/library.js';
import { overlayMedia } from './overlay-media.js';

/** Competing readings of a field are stored encrypted, shown with the field, and dropped once corrected. */
describe('patient field alternatives', () => {
  let lib: Awaited<ReturnType<typeof openTempCore>>;
  let video: number;
  before(async () => {
    lib = await openTempCore();
    const file = await overlayMedia('alternatives', { duration: 1, lines: [{ text: 'x', x: 10, y: 10 }] });
    const [job] = await importAndWait(lib.core, [file]);
    video = (job!.output as { videoId: number }).videoId;
  });
  after(async () => {
    await lib?.close();
  });

  test('stored with the OCR value, listed by patient.get, removed by a correction', async () => {
    const services = lib.core.services;
    const key = await libraryKey(services);
    const box = { x: 1, y: 2, width: 30, height: 10 };
    await services.db.writer.transaction().execute((trx) =>
      storeOcrFields(
        trx,
        key,
        video,
        {
          first_name: { value: 'Ilgin', confidence: 0.5, frame: 0, box, crop: null, alternatives: ['Ilgın'] },
          last_name: { value: 'Aslan', confidence: 0.95, frame: 0, box, crop: null },
        },
        'test',
      ),
    );
    let data = await lib.core.call('patient.get', { video });
    const f = Object.fromEntries(data.fields.map((x) => [x.field, x]));
    assert.deepEqual(f.first_name?.alternatives, ['Ilgın']);
    assert.equal(f.last_name?.alternatives, undefined);
    const raw = await services.db.reader
      .withTables<{ patient_field_alternatives: { values_enc: Buffer } }>()
      .selectFrom('patient_field_alternatives')
      .select('values_enc')
      .execute();
    assert.equal(raw.length, 1);
    assert.ok(!Buffer.from(raw[0]!.values_enc).toString('latin1').includes('Ilg'), 'encrypted at rest');
    await lib.core.call('patient.update', { video, set: { first_name: 'Ilgın' } });
    data = await lib.core.call('patient.get', { video });
    assert.equal(data.fields.find((x) => x.field === 'first_name')?.alternatives, undefined, 'a corrected field has no competing readings');
  });
});
