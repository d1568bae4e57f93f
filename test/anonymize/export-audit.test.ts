import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { WITHHELD_ARGUMENT } from '../../core/anonymize/audit-command.js';
import type { AnonymizeJobOutput } from '../../core/anonymize/job.js';
import { runCli } from '../helpers/cli.js';
import { importAndWait, openTempCore, tempDir } from '../helpers/library.js';
import { endo, endoscopyVideo } from './endoscopy-media.js';

test('export audit: the render command line is kept, a source path naming the patient withheld; `framewise exports` shows it', async () => {
  const work = tempDir('framewise-anon-audit-in-');
  const out = tempDir('framewise-anon-audit-out-');
  const lib = await openTempCore();
  try {
    // The source's file name carries the patient's name and birth date (referenced in place, not copied).
    const named = path.join(work.dir, 'Müller Jürgen 12.03.1961.mp4');
    copyFileSync(await endoscopyVideo(), named);
    const [imp] = await importAndWait(lib.core, [named]);
    assert.equal(imp?.state, 'succeeded', JSON.stringify(imp?.error));
    const videoId = (imp!.output as { videoId: number }).videoId;
    const overrides = {
      region: endo.region,
      textBoxes: [{ rect: endo.insideBox, source: 'manual' }],
      segments: [{ ...endo.outside, label: 'outside', validated: true }],
      patient: endo.patient,
    };
    // The audit is the subject, not the text scan (anonymize.test.ts): given timed masks (none), no scan is run.
    const { job } = await lib.core.call('anonymize.start', { video: videoId, output: { dir: out.dir }, overrides, timedMasks: [] });
    const done = await lib.core.services.jobs.waitFor(job.id, 900_000);
    assert.equal(done.state, 'succeeded', JSON.stringify(done.error));
    const res = done.output as AnonymizeJobOutput;

    const cli = await runCli(['--data-dir', lib.dataDir, 'exports', '--json']);
    assert.equal(cli.code, 0, cli.stderr);
    const { exports } = JSON.parse(cli.stdout) as { exports: Array<{ videoId: number; state: string; command: string[] | null }> };
    assert.equal(exports.length, 1);
    const cmd = exports[0]!.command!;
    assert.deepEqual(cmd, res.command, 'the audit keeps the command the job reports');
    assert.equal(cmd[0], lib.core.services.ffmpeg.tools.ffmpeg.path);
    assert.equal(cmd[cmd.indexOf('-i') + 1], WITHHELD_ARGUMENT, 'the path naming the patient is withheld');
    assert.ok(cmd.includes('-filter_complex'));
    assert.match(path.basename(cmd.at(-1)!), /^\.framewise-[0-9a-f]+\.partial\.mp4$/, JSON.stringify(cmd));
    assert.equal(cmd.filter((a) => a === WITHHELD_ARGUMENT).length, 1, 'nothing else is withheld');
    assert.doesNotMatch(cli.stdout, /M(ü|\\u00fc)ller|J(ü|\\u00fc)rgen|1961/i, 'no patient value in the audit');

    const text = await runCli(['--data-dir', lib.dataDir, 'exports', String(videoId)]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^export \d+: video \d+, verified/m);
    assert.match(text.stdout, /command: \S*ffmpeg -progress pipe:3 .*-filter_complex /);
    assert.doesNotMatch(text.stdout, /Müller|Jürgen|1961/);
  } finally {
    await lib.close();
    out.cleanup();
    work.cleanup();
  }
});
