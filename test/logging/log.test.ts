import assert from 'node:assert/strict';
import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { Core } from '../../core/core.js';
import { FramewiseError } from '../../core/util/errors.js';
import { importAndWait, tempDir } from '../helpers/library.js';
import { media } from '../helpers/media.js';

const PATIENT = { last_name: 'Zebrafischer', first_name: 'Quirinus', dob: '1961-07-03', casenumber: 'FALL-77123' };

function readLogs(dataDir: string): string {
  const dir = path.join(dataDir, 'logs');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .map((f) => readFileSync(path.join(dir, f), 'utf8'))
    .join('');
}

test('the library log has levels and records what happened, and no patient value ever reaches it', async () => {
  const lib = tempDir();
  const files = tempDir();
  try {
    // A file named after the patient (common for exports from endoscopy towers).
    const named = path.join(files.dir, `${PATIENT.last_name}_${PATIENT.first_name}_${PATIENT.dob}.mp4`);
    copyFileSync(await media.mp4(2), named);
    const core = await Core.open({ dataDir: lib.dir, runJobs: true, concurrency: 1 });
    try {
      const [imp] = await importAndWait(core, [named]);
      assert.equal(imp!.state, 'succeeded');
      const videoId = (imp!.output as { videoId: number }).videoId;
      await core.call('patient.update', { video: videoId, set: PATIENT });
      await core.call('patient.get', { video: videoId });
      // A failing command whose input holds patient data, and a failing job on a patient-named file.
      await assert.rejects(core.call('patient.update', { video: videoId, set: { last_name: '' } }), FramewiseError);
      await assert.rejects(core.call('videos.get', { video: named + '.missing' }), FramewiseError);
      const { job } = await core.services.jobs.enqueue('import', { path: named + '.gone.mp4', copy: false });
      assert.equal((await core.services.jobs.waitFor(job.id, 60_000)).state, 'failed');
      // Even a careless log call with patient data in it is redacted.
      core.services.log.warn(
        { patient: { lastName: PATIENT.last_name }, value: PATIENT.first_name, input: { dob: PATIENT.dob } },
        'careless',
      );
      core.services.log.debug({ command: 'below the level' }, 'not written at info');
    } finally {
      await core.close();
    }
    const text = readLogs(lib.dir);
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { level: number; msg: string; kind?: string; command?: string; err?: { code: string } });
    // It records what happened, with levels (30 info, 40 warn).
    assert.ok(lines.some((l) => l.msg === 'library opened' && l.level === 30));
    assert.ok(lines.some((l) => l.msg === 'job succeeded' && l.kind === 'import'));
    assert.ok(lines.some((l) => l.msg === 'job failed' && l.kind === 'import' && l.level === 40));
    assert.ok(lines.some((l) => l.msg === 'command refused: invalid input' && l.command === 'patient.update'));
    assert.ok(lines.some((l) => l.msg === 'command failed' && l.command === 'videos.get' && l.err?.code === 'not_found'));
    assert.ok(lines.some((l) => l.msg === 'careless' && l.level === 40));
    assert.ok(!lines.some((l) => l.msg === 'not written at info'));
    // And nothing about the patient: not the values, not the file name.
    for (const v of [...Object.values(PATIENT), 'Zebrafischer_Quirinus']) assert.ok(!text.includes(v), `the log contains "${v}"`);
  } finally {
    lib.cleanup();
    files.cleanup();
  }
});
