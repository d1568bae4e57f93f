import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { importAndWait, openTempCore, tempDir } from '../helpers/library.js';
import { overlayMedia } from './overlay-media.js';

/**
 * Issue 20: the export gate treats a field OCR flags as "check" (low confidence, not reviewed) as unverified.
 * A real OCR run on a generated overlay whose examination date stands alone (no label, no time: only a
 * guess) gives that field the "check" level; anonymized export refuses until a reviewer verifies it.
 */
describe('export gate and "check" fields', () => {
  let lib: Awaited<ReturnType<typeof openTempCore>>;
  let video: number;
  before(async () => {
    lib = await openTempCore();
    await lib.core.call('settings.set', { key: 'reviewerName', value: 'Dr. Test' });
    await lib.core.call('settings.set', { key: 'anonymizeClinicalGate', value: 'on' });
    const file = await overlayMedia('gate-check', {
      duration: 2,
      endoscope: { shape: 'circle', x: 40, y: 80, size: 560 },
      lines: [
        { text: 'Müller, Jürgen', x: 900, y: 30 },
        { text: 'geb. 03.07.1961', x: 900, y: 75 },
        { text: '12.05.2023', x: 900, y: 120 },
      ],
    });
    const [job] = await importAndWait(lib.core, [file]);
    video = (job!.output as { videoId: number }).videoId;
    const { job: ocr } = await lib.core.call('ocr.start', { video, samples: 3 });
    const done = await lib.core.services.jobs.waitFor(ocr.id, 120_000);
    assert.equal(done.state, 'succeeded', JSON.stringify(done.error));
  });
  after(async () => {
    await lib?.close();
  });

  test('export refuses while a field is at "check"; verifying it clears the patient part of the gate', async () => {
    const data = await lib.core.call('patient.get', { video });
    const byField = Object.fromEntries(data.fields.map((f) => [f.field, f]));
    assert.equal(byField.examination_date?.value, '2023-05-12');
    assert.equal(byField.examination_date?.level, 'check', 'a lone unlabelled date is only a guess');
    const others = data.fields.filter((f) => f.level !== 'check').map((f) => f.field);
    assert.ok(others.includes('last_name') && others.includes('dob'), 'the name and birth date are not at "check"');
    // The reviewer confirms everything except the flagged field.
    await lib.core.call('patient.update', { video, verify: others });
    const plan = await lib.core.call('anonymize.plan', { video });
    assert.equal(plan.gate.required, true);
    assert.equal(plan.gate.ok, false);
    assert.deepEqual(
      plan.gate.reasons.map((r) => r.code),
      ['patient_unverified'],
    );
    const out = tempDir('framewise-gate-out-');
    try {
      await assert.rejects(lib.core.call('anonymize.start', { video, output: { dir: out.dir } }), /not been verified by a reviewer/);
      assert.deepEqual(readdirSync(out.dir), [], 'nothing written');
      // The reviewer checks the flagged field: the gate's patient reason goes away.
      await lib.core.call('patient.update', { video, verify: ['examination_date'] });
      const after = await lib.core.call('anonymize.plan', { video });
      assert.ok(!after.gate.reasons.some((r) => r.code === 'patient_unverified' || r.code === 'patient_unknown'));
      assert.equal(after.gate.ok, true);
    } finally {
      out.cleanup();
    }
  });
});
