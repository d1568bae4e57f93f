import { test } from 'node:test';
import assert from 'node:assert/strict';
import { editDistance, findTokensInLine, normalizeText, patientTokens, tokenMatches } from '../../core/anonymize/tokens.js';
import { patientFieldsSchema } from '../../core/anonymize/types.js';

const fields = patientFieldsSchema.parse({
  first_name: 'Jürgen',
  last_name: 'Müller-Weiß',
  dob: '1961-03-12',
  examination_date: '2024-11-05',
  casenumber: 'A-12345',
});
const tokens = patientTokens(fields);
const fieldsOf = (words: string[]) => [...new Set(findTokensInLine(words, tokens).map((h) => h.field))].sort();

test('normalization: case- and accent-insensitive', () => {
  assert.equal(normalizeText('MÜLLER-Weiß'), 'mullerweiss');
  assert.equal(normalizeText('Jürgen'), 'jurgen');
  assert.equal(editDistance('muller', 'mueller'), 1);
  assert.equal(editDistance('kitten', 'sitting', 5), 3);
});

test('tokens: names match with accents dropped, OCR slips of one edit, merged words', () => {
  assert.deepEqual(fieldsOf(['JURGEN']), ['first_name']);
  assert.deepEqual(fieldsOf(['Mueller,']), ['last_name'], 'ü read as ue');
  assert.deepEqual(fieldsOf(['Mül1er']), ['last_name'], 'one OCR error');
  assert.deepEqual(fieldsOf(['MüllerJürgen']), ['first_name', 'last_name']);
  assert.deepEqual(fieldsOf(['Weis']), ['last_name']);
  assert.deepEqual(fieldsOf(['Miller']), ['last_name'], 'edit distance 1 is a hit (fail closed)');
  assert.deepEqual(fieldsOf(['Mallorca', 'Standbild', 'NBI']), []);
});

test('tokens: short tokens must match exactly', () => {
  const t = patientTokens(patientFieldsSchema.parse({ first_name: 'Thomas', last_name: 'Lux' }));
  assert.ok(
    tokenMatches(
      'lux',
      t.find((x) => x.value === 'lux')!,
    ),
  );
  assert.ok(
    !tokenMatches(
      'lax',
      t.find((x) => x.value === 'lux')!,
    ),
  );
  assert.ok(
    !tokenMatches(
      'luxus',
      t.find((x) => x.value === 'lux')!,
    ),
  );
});

test('tokens: dates in any layout, also split over OCR words', () => {
  assert.deepEqual(fieldsOf(['*12.03.1961']), ['dob']);
  assert.deepEqual(fieldsOf(['12/03/61']), ['dob']);
  assert.deepEqual(fieldsOf(['1961-03-12']), ['dob']);
  assert.deepEqual(fieldsOf(['12.03.', '1961']), ['dob']);
  assert.deepEqual(fieldsOf(['05.11.2024', '09:52:17']), ['examination_date']);
  assert.deepEqual(fieldsOf(['12.03.1967']), ['dob'], 'one digit off');
  assert.deepEqual(fieldsOf(['2001951', 'GIF-EZ1500', '9.9/9.6']), []);
  assert.deepEqual(fieldsOf(['A12345']), ['casenumber']);
});
