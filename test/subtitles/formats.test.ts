import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSubtitleFile } from '../../core/subtitles/parse.js';
import { writeSrt } from '../../core/subtitles/formats/srt.js';
import { writeVtt } from '../../core/subtitles/formats/vtt.js';
import { writeAss } from '../../core/subtitles/formats/ass.js';
import { FramewiseError } from '../../core/util/errors.js';
import type { Cue } from '../../core/subtitles/types.js';
import { ass, brokenSrt, expectedCues, repairableSrt, srt, vtt, whisper } from './samples.js';

const utf8 = (s: string) => Buffer.from(s, 'utf8');
const strip = (cues: Cue[]) => cues.map(({ startMs, endMs, text, align }) => ({ startMs, endMs, text, align }));

function assertCues(actual: Cue[], expected: Cue[]) {
  assert.equal(actual.length, expected.length, 'cue count');
  expected.forEach((e, i) => assert.deepEqual(strip([actual[i]!])[0], strip([e])[0], `cue ${i + 1}`));
}

test('SRT: times, italics/bold, line breaks and {\\an8} positions are read cue by cue', () => {
  const r = parseSubtitleFile(utf8(srt), 'a.srt');
  assert.equal(r.format, 'srt');
  assert.deepEqual(r.issues, []);
  assertCues(r.cues, expectedCues);
});

test('WebVTT: header, NOTE blocks, identifiers, class/voice spans and line:0 settings', () => {
  const r = parseSubtitleFile(utf8(vtt), 'a.vtt');
  assert.equal(r.format, 'vtt');
  assertCues(r.cues, expectedCues);
});

test('ASS: Format-driven fields, comments skipped, commas in text, styles and override tags kept as markup', () => {
  const r = parseSubtitleFile(utf8(ass), 'a.ass');
  assert.equal(r.format, 'ass');
  assertCues(r.cues, [
    expectedCues[0]!,
    expectedCues[1]!,
    { startMs: 5000, endMs: 7000, text: 'Oben: größer, mit Komma', align: 8, style: null },
  ]);
  assert.equal(r.cues[2]!.style, 'Sign');
  assert.match(r.assHeader!, /Style: Sign,/);
  // Written back as ASS with its own header and styles, it reads the same.
  const again = parseSubtitleFile(utf8(writeAss(r.cues, r.assHeader)), 'b.ass');
  assertCues(again.cues, r.cues);
  assert.equal(again.cues[2]!.style, 'Sign');
  assert.match(writeAss(r.cues, r.assHeader), /PlayResY: 720/);
});

test('Whisper JSON: segments with word timings; a segment without times takes them from its words', () => {
  const r = parseSubtitleFile(utf8(whisper), 'transcript.json');
  assert.equal(r.format, 'whisper');
  assert.deepEqual(
    r.cues.map((c) => [c.startMs, c.endMs, c.text]),
    [
      [1000, 2500, 'Grüße aus Köln'],
      [3000, 4250, 'Straße und Übermaß'],
    ],
  );
  assert.deepEqual(r.cues[0]!.words, [
    { startMs: 1000, endMs: 1400, text: 'Grüße' },
    { startMs: 1500, endMs: 1700, text: 'aus' },
    { startMs: 1800, endMs: 2500, text: 'Köln' },
  ]);
});

test('export SRT/VTT is exact to the millisecond and reads back cue by cue', () => {
  const odd: Cue[] = [
    { startMs: 1, endMs: 999, text: 'a & b < c', align: null, style: null },
    { startMs: 3_599_999, endMs: 3_600_001, text: '<i>x</i>\ny', align: 7, style: null },
  ];
  for (const [write, name] of [
    [writeSrt, 'x.srt'],
    [writeVtt, 'x.vtt'],
  ] as const) {
    const text = write(odd);
    assertCues(parseSubtitleFile(utf8(text), name).cues, odd);
  }
  assert.match(writeSrt(odd), /00:59:59,999 --> 01:00:00,001/);
  assert.match(writeVtt(odd), /00:59:59\.999 --> 01:00:00\.001 line:0 align:start/);
  assert.match(writeVtt(odd), /a &amp; b &lt; c/);
});

test('character sets: UTF-8 with BOM, UTF-16 LE/BE (with and without BOM), Windows-1252 and ISO-8859-1', () => {
  const cases: Array<[string, Buffer, string]> = [
    ['utf-8-bom', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8(srt)]), 'utf-8-bom'],
    ['utf-16le+bom', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(srt, 'utf16le')]), 'utf-16le'],
    ['utf-16be+bom', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(srt, 'utf16le').swap16()]), 'utf-16be'],
    ['utf-16le', Buffer.from(srt, 'utf16le'), 'utf-16le'],
    ['utf-16be', Buffer.from(srt, 'utf16le').swap16(), 'utf-16be'],
    ['windows-1252', Buffer.from(srt.replace('Köln', 'Köln – „gut“'), 'latin1'), 'windows-1252'],
  ];
  // Windows-1252 bytes for the en dash and German quotes (not in Latin-1).
  cases[5]![1] = Buffer.from(
    [...srt.replace('Köln', 'Köln – „gut“')].map((ch) => ({ '–': 0x96, '„': 0x84, '“': 0x93 })[ch] ?? ch.charCodeAt(0)),
  );
  for (const [name, bytes, encoding] of cases) {
    const r = parseSubtitleFile(bytes, `${name}.srt`);
    assert.equal(r.encoding, encoding, name);
    assert.equal(r.cues.length, 3, name);
    assert.equal(r.cues[1]!.text, '<i>Straße</i> und\n<b>Übermaß</b>', name);
    assert.match(r.cues[0]!.text, /^Grüße aus Köln/, name);
  }
  assert.equal(parseSubtitleFile(cases[5]![1], 'w.srt').cues[0]!.text, 'Grüße aus Köln – „gut“');
  const latin1 = parseSubtitleFile(Buffer.from(srt, 'latin1'), 'l.srt');
  assert.equal(latin1.cues[2]!.text, 'Oben: größer');
});

test('malformed input is repaired where safe and every repair is reported by line', () => {
  const r = parseSubtitleFile(utf8(repairableSrt), 'r.srt', { durationMs: 10_000 });
  assert.deepEqual(
    r.cues.map((c) => [c.startMs, c.endMs, c.text]),
    [
      [1000, 2000, 'erste Zeile'],
      [2000, 4000, 'zweite, ohne Pfeil'],
      [5000, 6000, 'vertauscht'],
      [8000, 10_000, 'läuft über das Ende'],
    ],
  );
  const byLine = r.issues.map((i) => `${i.line}:${i.severity}:${i.message.split(' ').slice(0, 4).join(' ')}`);
  assert.deepEqual(byLine, [
    '2:repaired:the cue overlapped the',
    '6:repaired:the "-->" between the',
    '10:repaired:the cue ran past',
    '14:repaired:the cue was out',
  ]);
});

test('input that cannot be repaired safely is refused whole, listing each bad line', () => {
  assert.throws(
    () => parseSubtitleFile(utf8(brokenSrt), 'broken.srt', { durationMs: 60_000 }),
    (err: unknown) => {
      assert.ok(err instanceof FramewiseError);
      assert.equal(err.code, 'usage');
      assert.match(err.message, /broken\.srt: not imported, 2 problems/);
      assert.match(err.message, /line 6: unreadable timing "00:00:0x,000 --> 00:00:04,000"/);
      assert.match(err.message, /line 10: the cue ends \(5000 ms\) before it starts \(6000 ms\)/);
      return true;
    },
  );
  // A cue starting after the video's end cannot be placed: refused too.
  assert.throws(
    () => parseSubtitleFile(utf8(srt), 'late.srt', { durationMs: 4000 }),
    /line 11: the cue starts at 5001 ms, after the video ends/,
  );
  assert.throws(() => parseSubtitleFile(utf8('{"segments": [{"text": "no times"}]}'), 't.json'), /segment 1: segment 1 has no start\/end/);
  assert.throws(() => parseSubtitleFile(utf8('just some text\nwithout cues\n'), 'x.srt'), /line 1: no timing line/);
});
