import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { extractFields, fixNameInitials } from '../../core/patient/extract.js';
import { findDates, parseDateInput } from '../../core/patient/dates.js';
import type { TextLine } from '../../core/patient/fields.js';

const today = new Date('2026-01-01T00:00:00Z');
let y = 0;
const line = (text: string, confidence = 0.9): TextLine => ({ text, confidence, box: { x: 10, y: (y += 40), width: 200, height: 30 } });
const values = (lines: TextLine[], opts = {}) =>
  Object.fromEntries(Object.entries(extractFields(lines, { today, ...opts })).map(([k, v]) => [k, v.value]));

describe('date parsing', () => {
  test('every supported format to ISO', () => {
    assert.equal(findDates('21.03.1994')[0]?.iso, '1994-03-21');
    assert.equal(findDates('21/03/1994')[0]?.iso, '1994-03-21');
    assert.equal(findDates('07.03.58', { today })[0]?.iso, '1958-03-07');
    assert.equal(findDates('07.03.19', { today })[0]?.iso, '2019-03-07');
    assert.equal(findDates('1994-03-21')[0]?.iso, '1994-03-21');
    assert.equal(findDates('1994/03/21')[0]?.iso, '1994-03-21');
  });
  test('day/month order by plausibility: a part above 12 decides; otherwise the layout order', () => {
    assert.equal(findDates('03/21/1994')[0]?.iso, '1994-03-21');
    assert.equal(findDates('03/21/1994')[0]?.ambiguous, false);
    const amb = findDates('04/05/2020')[0]!;
    assert.equal(amb.iso, '2020-05-04');
    assert.equal(amb.ambiguous, true);
    assert.equal(findDates('04/05/2020', { order: 'mdy' })[0]?.iso, '2020-04-05');
  });
  test('invalid dates are not dates; a time attaches to its date', () => {
    assert.equal(findDates('31.02.2020').length, 0);
    assert.equal(findDates('99.99.9999').length, 0);
    const d = findDates('15/02/2024 09:52:17')[0]!;
    assert.equal(d.time, '09:52:17');
    assert.equal(parseDateInput('1.2.2003'), '2003-02-01');
    assert.equal(parseDateInput('hello'), null);
  });
});

describe('dates with month names and two-digit years', () => {
  const today = new Date('2026-01-01T00:00:00Z');
  test('German and English month names, with and without a time', () => {
    const iso = (t: string) => findDates(t, { today }).map((d) => `${d.iso}${d.time ? ` ${d.time}` : ''}`);
    assert.deepEqual(iso('3. März 2023 14:05'), ['2023-03-03 14:05']);
    assert.deepEqual(iso('15. Dezember 1954'), ['1954-12-15']);
    assert.deepEqual(iso('08 Oct 2009 08:22'), ['2009-10-08 08:22']);
    assert.deepEqual(iso('Mar 3, 2023'), ['2023-03-03']);
    assert.deepEqual(iso('Mai 2023'), [], 'no day: not a date');
    assert.deepEqual(iso('31. Februar 2023'), [], 'invalid day');
  });
  test('dd/mm/yy: the century is inferred from today', () => {
    assert.equal(findDates('28/02/22', { today })[0]?.iso, '2022-02-28');
    assert.equal(findDates('07.03.58', { today })[0]?.iso, '1958-03-07');
  });
});

describe('name initials', () => {
  test('the first name after the comma gets its capital back; particles stay', () => {
    assert.equal(fixNameInitials('Kılıç, şükrü'), 'Kılıç, Şükrü');
    assert.equal(fixNameInitials('Yılmaz, lsmail'), 'Yılmaz, Ismail');
    assert.equal(fixNameInitials('Nagy, loana'), 'Nagy, Ioana', 'a sans-serif I before a vowel too (L has a foot)');
    assert.equal(fixNameInitials('Nowak, łukasz'), 'Nowak, Łukasz');
    assert.equal(fixNameInitials('Bülow, von Anna'), 'Bülow, von Anna');
    assert.equal(fixNameInitials('a Lux, Thomas'), 'a Lux, Thomas');
  });
});

describe('field extraction', () => {
  test('"Last," on one line and the first name below it', () => {
    const a: TextLine = { text: 'a Lux,', confidence: 0.6, box: { x: 31, y: 83, width: 106, height: 37 } };
    const b: TextLine = { text: 'Thomas', confidence: 0.96, box: { x: 77, y: 114, width: 118, height: 38 } };
    assert.deepEqual(values([a, b]), { last_name: 'Lux', first_name: 'Thomas' });
  });
  test('labelled forms', () => {
    assert.deepEqual(values([line('Name: Müller, Jürgen'), line('geb. 03.07.1961'), line('Fall-Nr: 123456')]), {
      last_name: 'Müller',
      first_name: 'Jürgen',
      dob: '1961-07-03',
      casenumber: '123456',
    });
    assert.deepEqual(values([line('Nachname: Groß'), line('Vorname: Anna'), line('DOB 1950-01-02'), line('Unters.-Datum: 02.03.2024')]), {
      last_name: 'Groß',
      first_name: 'Anna',
      dob: '1950-01-02',
      examination_date: '2024-03-02',
    });
    assert.deepEqual(values([line('Pat.: Jürgen Müller *12.12.1960')]), { last_name: 'Müller', first_name: 'Jürgen', dob: '1960-12-12' });
  });
  test('hyphenated names and surname particles', () => {
    assert.deepEqual(values([line('Müller-Lüdenscheidt,'), line('Hans-Jürgen')]), {
      last_name: 'Müller-Lüdenscheidt',
      first_name: 'Hans-Jürgen',
    });
    assert.deepEqual(values([line('Name: von Bülow, Vicco')]), { last_name: 'von Bülow', first_name: 'Vicco' });
    assert.deepEqual(values([line('van der Berg, Anna Maria')]), { last_name: 'van der Berg', first_name: 'Anna Maria' });
  });
  test('each date takes the label just before it', () => {
    assert.deepEqual(values([line('geb. 01.01.1950 Datum: 02.02.2024')]), { dob: '1950-01-01', examination_date: '2024-02-02' });
  });
  test('the exam date is the dated line with a time; the birth date the older one', () => {
    assert.deepEqual(values([line('21/03/1994'), line('15/02/2024 09:52:17')]), {
      dob: '1994-03-21',
      examination_date: '2024-02-15',
      examination_time: '09:52:17',
    });
  });
  test('two close dates without labels: the birth date is left empty rather than guessed', () => {
    const f = extractFields([line('03.11.2023'), line('01.06.2023')], { today });
    assert.equal(f.examination_date?.value, '2023-11-03');
    assert.ok(f.examination_date!.confidence < 0.8);
    assert.equal(f.dob, undefined);
  });
  test('a future date is not an exam date; label words are not names', () => {
    assert.deepEqual(values([line('12.12.2099 10:00')]), {});
    assert.deepEqual(values([line('Temp. Pat.-ID ausgeben')]), {});
    assert.deepEqual(values([line('Standbild, Fokus')]), {});
  });
  test('a profile region wins over free detection', () => {
    const inRegion: TextLine = { text: 'Meier, Paul', confidence: 0.9, box: { x: 500, y: 500, width: 150, height: 30 } };
    const elsewhere: TextLine = { text: 'Schulz, Eva', confidence: 0.99, box: { x: 10, y: 10, width: 150, height: 30 } };
    assert.deepEqual(values([elsewhere, inRegion], { regions: { name: { x: 480, y: 480, width: 300, height: 80 } } }), {
      last_name: 'Meier',
      first_name: 'Paul',
    });
  });
});

describe('case numbers with prefixes and separators', () => {
  const at = (text: string, x: number, yy: number, width = 200): TextLine => ({
    text,
    confidence: 0.9,
    box: { x, y: yy, width, height: 30 },
  });
  test('labels devices print, prefixes, and separators; a date after the number is not part of it', () => {
    const cases: Array<[string, string]> = [
      ['Fall-Nr.: KH-2024/000815', 'KH-2024/000815'],
      ['Fallnummer: KH 2024-000815', 'KH 2024-000815'],
      ['Case #: E-77812', 'E-77812'],
      ['Case No. 2024.00815', '2024.00815'],
      ['Aufn.-Nr. 2024 000815', '2024 000815'],
      ['Auftrags-Nr: A2024_0815', 'A2024_0815'],
      ['Unters.-Nr.: U-12/345', 'U-12/345'],
      ['MRN 004711', '004711'],
      ['Acc. No.: ACC-99821', 'ACC-99821'],
      ['Fall: 20231234 Datum: 2024/01/09 08:15', '20231234'],
      ['Fall: 123456 12.05.2023', '123456'],
      ['Fall-Nr.: 2024-000815.', '2024-000815'],
    ];
    for (const [text, want] of cases) assert.equal(values([line(text)]).casenumber, want, text);
  });
  test('label words and lower-case words are not case numbers', () => {
    assert.equal(values([line('Temp. Pat.-ID ausgeben')]).casenumber, undefined);
    assert.equal(values([line('Fall: offen')]).casenumber, undefined);
  });
  test('a profile region holding only the number (with its prefix)', () => {
    const r = at('KH 2024-000815', 500, 500);
    assert.equal(values([r], { regions: { casenumber: { x: 480, y: 480, width: 300, height: 80 } } }).casenumber, 'KH 2024-000815');
  });
});

describe('examination date and time', () => {
  const at = (text: string, x: number, yy: number, width = 160): TextLine => ({
    text,
    confidence: 0.9,
    box: { x, y: yy, width, height: 30 },
  });
  test('a time printed beside the exam date (split into its own line) is the exam time', () => {
    assert.deepEqual(values([at('Müller, Jürgen', 10, 10), at('12.05.2023', 10, 60), at('14:31:08', 260, 62, 110)]), {
      last_name: 'Müller',
      first_name: 'Jürgen',
      examination_date: '2023-05-12',
      examination_time: '14:31:08',
    });
  });
  test('a time on the line below the exam date; a labelled time; 12-hour times', () => {
    assert.equal(values([at('Datum: 12.05.2023', 10, 60), at('09:05', 10, 95, 80)]).examination_time, '09:05');
    assert.equal(values([at('Datum: 12.05.2023', 10, 60), at('Zeit: 9.05 Uhr', 600, 400)]).examination_time, '09:05');
    assert.equal(values([at('May 12, 2023 2:31 PM', 10, 60)]).examination_time, '14:31');
    assert.equal(values([at('12/05/2023 12:10 am', 10, 60)]).examination_time, '00:10');
  });
  test('a time far from the date, or a dotted number without a label, is not the exam time', () => {
    assert.equal(values([at('Datum: 12.05.2023', 10, 60), at('14:31', 900, 600, 80)]).examination_time, undefined);
    assert.equal(values([at('Datum: 12.05.2023', 10, 60), at('14.31', 200, 60, 80)]).examination_time, undefined);
    assert.equal(values([at('14:31', 10, 60, 80)]).examination_time, undefined, 'no date, no label: a clock');
  });
});
