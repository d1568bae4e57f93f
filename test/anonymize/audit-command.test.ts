import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WITHHELD_ARGUMENT, auditedCommand } from '../../core/anonymize/audit-command.js';
import { patientFieldsSchema } from '../../core/anonymize/types.js';
import { patientTokens } from '../../core/anonymize/tokens.js';

const tokens = patientTokens(
  patientFieldsSchema.parse({ first_name: 'Jürgen', last_name: 'Müller', dob: '1961-03-12', casenumber: 'F-778812' }),
);

test('the audited command line withholds exactly the elements that carry a patient value', () => {
  const cmd = [
    '/usr/bin/ffmpeg',
    '-i',
    '/videos/Mueller_Juergen.mp4', // spelled without umlauts: still the name (edit distance 1)
    '-i',
    '/videos/scan 12.03.1961.mp4',
    '-i',
    '/videos/case-778812.mp4',
    '-filter_complex',
    '[0:v]drawbox=x=420:y=0:w=1080:h=1080:color=black:t=fill[vout]',
    '/out/.framewise-0a1b2c.partial.mp4',
  ];
  assert.deepEqual(auditedCommand(cmd, tokens), [
    '/usr/bin/ffmpeg',
    '-i',
    WITHHELD_ARGUMENT,
    '-i',
    WITHHELD_ARGUMENT,
    '-i',
    WITHHELD_ARGUMENT,
    '-filter_complex',
    '[0:v]drawbox=x=420:y=0:w=1080:h=1080:color=black:t=fill[vout]',
    '/out/.framewise-0a1b2c.partial.mp4',
  ]);
  assert.deepEqual(auditedCommand(cmd, []), cmd, 'without patient data the command is kept as it ran');
});
