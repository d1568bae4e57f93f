import { coverage, type Box } from '../util/box.js';
import { findDates, yearsBetween, type FoundDate } from './dates.js';
import type { FieldReading, FieldReadings, FieldRegionKey, FieldRegions, PatientField, TextLine } from './fields.js';

const L = "\\p{Lu}[\\p{L}'’-]*\\p{Ll}[\\p{L}'’-]*|\\p{Lu}";
/** Lower-case particles that belong to a surname ("von Bülow", "van der Berg", "de la Cruz"). */
const PARTICLES = '(?:(?:von|van|vom|de|der|den|del|della|la|le|du|da|di|dos|zu|zur|ten|ter)\\s)*';
const NAME_PART = `${PARTICLES}(?:${L})(?:[ -](?:${L}))*`;
/** "Müller, Jürgen" (possibly with junk before, from icons). */
const COMMA_NAME = new RegExp(`(${NAME_PART})\\s*[,;]\\s*(${NAME_PART})`, 'u');

const DOB_LABEL =
  /(?:\bgeb(?:oren)?\b\.?|\bgeb\.?[- ]?dat(?:um)?\.?|\bgeburtsdatum\b|\bd\.?o\.?b\b\.?|\bbirth(?:\s?date)?\b|\bborn\b|(?:^|\s)\*\s?$)/iu;
const EXAM_LABEL = /(?:\bunters(?:uchung)?(?:s?[- ]?dat(?:um)?)?\b\.?|\bexam(?:ination)?(?:\s?date)?\b|\bdatum\b|\bdate\b)/iu;
const NAME_LABEL = /(?:^|\s)(?:name|pat(?:ient(?:in)?)?\.?)\s*[:.]\s*(.+)$/iu;
const LAST_LABEL = /(?:^|\s)(?:nachname|last\s?name|surname|familienname)\s*[:.]?\s*(.+)$/iu;
const FIRST_LABEL = /(?:^|\s)(?:vorname|first\s?name|given\s?name)\s*[:.]?\s*(.+)$/iu;
/** A case-number label and what follows it ("Fall-Nr.:", "Case #", "Aufn.-Nr.", "Auftrags-Nr.", "MRN", …). */
const CASE_LABEL =
  /(?:^|\s)(?:fall(?:[- ]?nr\.?|nummer)?|case(?:\s?(?:no\.?|nr\.?|id|#))?|pat(?:ient(?:en)?)?\.?[- ]?(?:id|nr\.?|nummer)|pid|mrn|id|aufn(?:ahme)?\.?[- ]?nr\.?|auftrag(?:s)?[- ]?nr\.?|unters(?:uchungs)?\.?[- ]?nr\.?|befund[- ]?nr\.?|acc(?:ession)?\.?(?:\s?no\.?|#)?|visit(?:\s?(?:no\.?|id))?|episode)\s*[:.#]?\s*(.+)$/iu;
/**
 * A case number: an optional upper-case prefix of up to four letters ("KH 2024-000815", "E-77812"), then a
 * token with at least one digit and the separators devices print (- / . _), then digit groups split by single
 * spaces ("2024 000815"). A following date or time is not part of it.
 */
const CASE_VALUE = /^(?:[A-Z]{1,4}[ -]?)?[A-Z0-9][A-Z0-9/_.-]*\d[A-Z0-9/_.-]*(?: \d{2,}(?![\d/.:-]))*/u;

/** The case number at the start of `text` (after a label), without trailing separators; null if none. */
export function caseNumberAt(text: string): string | null {
  const m = CASE_VALUE.exec(text.trim());
  const v = m?.[0].replace(/[/_.-]+$/, '');
  return v && /\d/.test(v) ? v : null;
}

/** The case number after a case-number label in `text`, or null. */
function labelledCaseNumber(text: string): string | null {
  const m = CASE_LABEL.exec(text);
  return m ? caseNumberAt(m[1]!) : null;
}
const DEVICE_LABEL = /(?:^|\s)(?:gerät|device|prozessor|processor|endoskop|scope|system)\s*[:.]\s*(.+)$/iu;
const DEVICE_MODEL =
  /\b((?:CV|CLV|GIF|CF|PCF|TJF|BF|EG|EC|EPK|VP|EVIS|ELUXEO|EB|EU)[- ]?[A-Z]*\d{2,}[A-Z0-9]*(?:\s?(?:EXERA|LUCERA)\b[A-Z ]*)?)\b/u;
/** Words that are labels, UI terms or months, never names. */
const NOT_NAMES = new Set(
  [
    'name',
    'pat',
    'patient',
    'patientin',
    'geb',
    'datum',
    'date',
    'fall',
    'case',
    'dob',
    'temp',
    'id',
    'standbild',
    'fokus',
    'auslösen',
    'nbi',
    'txi',
    'freeze',
    'exam',
    'arzt',
    'doctor',
    'untersucher',
    'gerät',
    'device',
  ].map((s) => s.toLowerCase()),
);

function clean(text: string): string {
  return (
    text
      .replace(/[|©®«»"“”]/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      // An icon before a name is read as one letter ("S Lux,"): no name part is a single letter there.
      .replace(/^[^\p{L}\d]*\p{L}[^\p{L}\d\s]*\s+(?=\p{Lu}\p{Ll})/u, '')
  );
}

function isNameLike(s: string): boolean {
  const words = s.split(/[ -]/).filter(Boolean);
  return (
    words.length > 0 &&
    words.length <= 4 &&
    words.every((w) => !NOT_NAMES.has(w.toLowerCase().replace(/[.:]/g, ''))) &&
    /\p{Ll}|^\p{Lu}{2,}$/u.test(s)
  );
}

const PARTICLE_WORDS = new Set(PARTICLES.replace(/[^a-z|]/g, '').split('|'));

/**
 * Name words start with a capital. The recogniser sometimes reads a small-looking capital as lower case
 * ("şükrü") and, in fonts where they are the same glyph, a capital I as l ("lsmail", "loana"): fix the
 * initial of the word after the comma of "Last, First" (an l there is I: a capital L has a foot the recogniser
 * does not read as l; particles stay).
 */
export function fixNameInitials(text: string): string {
  return text.replace(/([,;]\s*)(\p{Ll})(\p{Ll}*)/gu, (m, pre: string, c: string, rest: string) =>
    PARTICLE_WORDS.has(c + rest) ? m : pre + (c === 'l' ? 'I' : c.toUpperCase()) + rest,
  );
}

/** Split "Last, First" / "First Last" after a name label. */
function splitName(value: string): { last: string; first: string } | null {
  const v = fixNameInitials(clean(value))
    .replace(/\s*[*].*$/, '')
    .replace(/\s+(?:geb|dob|\d).*$/iu, '')
    .trim();
  const m = COMMA_NAME.exec(v);
  if (m && isNameLike(m[1]!) && isNameLike(m[2]!)) return { last: m[1]!, first: m[2]! };
  const words = v.match(new RegExp(NAME_PART, 'gu'));
  if (words && words.length >= 1) {
    const parts = words.join(' ').split(' ');
    if (parts.length >= 2 && parts.every(isNameLike)) return { first: parts.slice(0, -1).join(' '), last: parts[parts.length - 1]! };
  }
  return null;
}

function firstNameLike(value: string): string | null {
  const m = new RegExp(NAME_PART, 'u').exec(clean(value));
  return m && isNameLike(m[0]) ? m[0] : null;
}

interface DatedLine {
  line: TextLine;
  date: FoundDate;
  label: 'dob' | 'exam' | null;
}

/** Lines that end with a comma continue on the line just below ("Lux," / "Thomas"). */
function joinContinuations(lines: TextLine[]): TextLine[] {
  const used = new Set<number>();
  const out: TextLine[] = [];
  lines.forEach((a, i) => {
    if (used.has(i)) return;
    const t = clean(a.text);
    if (/[,;]$/.test(t)) {
      let best = -1;
      let bestGap = Infinity;
      lines.forEach((b, j) => {
        if (j === i || used.has(j)) return;
        const gap = b.box.y - (a.box.y + a.box.height * 0.5);
        const overlapX = Math.min(a.box.x + a.box.width, b.box.x + b.box.width) - Math.max(a.box.x, b.box.x);
        if (gap > 0 && gap < a.box.height * 1.6 && overlapX > -a.box.height && gap < bestGap) {
          best = j;
          bestGap = gap;
        }
      });
      if (best >= 0) {
        const b = lines[best]!;
        used.add(best);
        const x = Math.min(a.box.x, b.box.x);
        const y = Math.min(a.box.y, b.box.y);
        out.push({
          text: `${t} ${clean(b.text)}`,
          confidence: Math.min(a.confidence, b.confidence),
          box: {
            x,
            y,
            width: Math.max(a.box.x + a.box.width, b.box.x + b.box.width) - x,
            height: Math.max(a.box.y + a.box.height, b.box.y + b.box.height) - y,
          },
        });
        return;
      }
    }
    out.push({ ...a, text: t });
  });
  return out;
}

function center(b: Box): Box {
  return { x: b.x + b.width / 2 - 1, y: b.y + b.height / 2 - 1, width: 2, height: 2 };
}

function inRegion(line: TextLine, region: Box): boolean {
  return coverage(center(line.box), region) > 0.5 || coverage(line.box, region) > 0.6;
}

function reading(value: string, confidence: number, box: Box): FieldReading {
  return { value, confidence: Math.max(0, Math.min(1, confidence)), box };
}

export interface ExtractOptions {
  /** "Today" for two-digit years and plausibility. */
  today?: Date;
  /** Profile regions: the text inside a named region is read as that field, whatever free detection says. */
  regions?: FieldRegions;
  /** Day/month order for ambiguous d/m/y dates. */
  dateOrder?: 'dmy' | 'mdy';
}

/** Extract the patient fields from the text lines of one frame. Never invents: a field without evidence stays absent. */
export function extractFields(rawLines: TextLine[], opts: ExtractOptions = {}): FieldReadings {
  const today = opts.today ?? new Date();
  const regions = opts.regions ?? {};
  const out: FieldReadings = {};
  const consumed = new Set<TextLine>();
  const dateOpts = { today, ...(opts.dateOrder ? { order: opts.dateOrder } : {}) };

  // 1. Profile regions win.
  const regionLines = (key: FieldRegionKey): TextLine[] => {
    const r = regions[key];
    if (!r) return [];
    const ls = rawLines.filter((l) => inRegion(l, r)).sort((a, b) => a.box.y - b.box.y || a.box.x - b.box.x);
    ls.forEach((l) => consumed.add(l));
    return ls;
  };
  const joinRegion = (ls: TextLine[]): TextLine | null =>
    ls.length
      ? {
          text: ls.map((l) => clean(l.text)).join(' '),
          confidence: Math.min(...ls.map((l) => l.confidence)),
          box: bounding(ls.map((l) => l.box)),
        }
      : null;
  const nameR = joinRegion(regionLines('name'));
  if (nameR) {
    const n = splitName(nameR.text);
    if (n) {
      out.last_name = reading(n.last, nameR.confidence, nameR.box);
      out.first_name = reading(n.first, nameR.confidence, nameR.box);
    }
  }
  for (const key of ['last_name', 'first_name'] as const) {
    const r = joinRegion(regionLines(key));
    const v = r && firstNameLike(r.text);
    if (r && v) out[key] = reading(v, r.confidence, r.box);
  }
  for (const key of ['dob', 'examination_date'] as const) {
    const r = joinRegion(regionLines(key));
    const d = r ? findDates(r.text, dateOpts)[0] : undefined;
    if (r && d) {
      out[key] = reading(d.iso, r.confidence * (d.ambiguous ? 0.9 : 1), r.box);
      if (key === 'examination_date' && d.time) out.examination_time = reading(d.time, r.confidence, r.box);
    }
  }
  for (const key of ['casenumber', 'device'] as const) {
    const r = joinRegion(regionLines(key));
    if (r && r.text) {
      let v: string | null;
      if (key === 'casenumber') {
        // Without a label the region holds the number itself; its first token with a digit starts it.
        const at = /[A-Z]{1,4}[ -]?\d|[A-Z0-9]*\d/u.exec(r.text);
        v = labelledCaseNumber(r.text) ?? (at ? caseNumberAt(r.text.slice(at.index)) : null);
      } else {
        const m = DEVICE_LABEL.exec(r.text);
        v = m ? clean(m[1]!) : (DEVICE_MODEL.exec(r.text)?.[1]?.trim() ?? (r.text.replace(/^[^\p{L}\p{N}]+/u, '').trim() || null));
      }
      if (v) out[key] = reading(v, r.confidence, r.box);
    }
  }

  const lines = joinContinuations(rawLines.filter((l) => !consumed.has(l) && clean(l.text).length > 0));
  const set = (key: PatientField, r: FieldReading) => {
    if (!out[key] || out[key]!.confidence < r.confidence) out[key] = r;
  };
  const setIfAbsent = (key: PatientField, r: FieldReading) => {
    if (!out[key]) set(key, r);
  };

  // 2. Labelled forms.
  for (const l of lines) {
    const t = l.text;
    const first = FIRST_LABEL.exec(t);
    const last = LAST_LABEL.exec(t);
    if (last) {
      const v = firstNameLike(last[1]!);
      if (v) setIfAbsent('last_name', reading(v, l.confidence, l.box));
    } else if (first) {
      const v = firstNameLike(first[1]!);
      if (v) setIfAbsent('first_name', reading(v, l.confidence, l.box));
    } else {
      const nm = NAME_LABEL.exec(t);
      const n = nm ? splitName(nm[1]!) : null;
      if (n && !out.last_name && !out.first_name) {
        out.last_name = reading(n.last, l.confidence, l.box);
        out.first_name = reading(n.first, l.confidence, l.box);
      }
    }
    const c = labelledCaseNumber(t);
    if (c) setIfAbsent('casenumber', reading(c, l.confidence, l.box));
    const dv = DEVICE_LABEL.exec(t);
    if (dv) setIfAbsent('device', reading(clean(dv[1]!), l.confidence, l.box));
    else {
      const dm = DEVICE_MODEL.exec(t);
      if (dm) setIfAbsent('device', reading(dm[1]!.trim(), l.confidence * 0.9, l.box));
    }
  }

  // 3. Unlabelled "Last, First".
  if (!out.last_name && !out.first_name) {
    const candidates = lines
      .map((l) => ({ l, m: COMMA_NAME.exec(fixNameInitials(l.text)) }))
      .filter((x) => x.m && isNameLike(x.m[1]!) && isNameLike(x.m[2]!) && findDates(x.l.text, dateOpts).length === 0);
    const best = candidates.sort((a, b) => b.l.confidence - a.l.confidence)[0];
    if (best) {
      out.last_name = reading(best.m![1]!, best.l.confidence * 0.95, best.l.box);
      out.first_name = reading(best.m![2]!, best.l.confidence * 0.95, best.l.box);
    }
  }

  // 4. Dates: labels first, then plausibility (the exam date is the newest and usually has a time;
  //    a birth date lies years before it).
  const dated: DatedLine[] = [];
  for (const l of lines) {
    const ds = findDates(l.text, dateOpts);
    let prevEnd = 0;
    for (const d of ds) {
      // Only the text since the previous date labels this one ("geb. 01.01.1950 Datum: 02.02.2024").
      const before = l.text.slice(prevEnd, d.start);
      prevEnd = d.end;
      const label = DOB_LABEL.test(before) ? 'dob' : EXAM_LABEL.test(before) ? 'exam' : null;
      dated.push({ line: l, date: d, label });
    }
  }
  const futureLimit = today.getTime() + 2 * 86400_000;
  const plausible = dated.filter((d) => Date.parse(d.date.iso) <= futureLimit);
  const amb = (d: DatedLine) => (d.date.ambiguous ? 0.9 : 1);
  for (const d of plausible) {
    if (d.label === 'dob') setIfAbsent('dob', reading(d.date.iso, d.line.confidence * amb(d), d.line.box));
    if (d.label === 'exam' && !out.examination_date) {
      out.examination_date = reading(d.date.iso, d.line.confidence * amb(d), d.line.box);
      if (d.date.time) out.examination_time = reading(d.date.time, d.line.confidence, d.line.box);
    }
  }
  const free = plausible.filter((d) => d.label === null && d.date.iso !== out.dob?.value && d.date.iso !== out.examination_date?.value);
  if (free.length) {
    const newestFirst = [...free].sort((a, b) => (a.date.iso < b.date.iso ? 1 : -1));
    const withTime = newestFirst.find((d) => d.date.time);
    if (!out.examination_date) {
      const exam = withTime ?? newestFirst[0]!;
      // Without a time or a label, a single newest date is only a guess.
      const sure = exam.date.time ? 1 : free.length > 1 ? 0.7 : 0.5;
      out.examination_date = reading(exam.date.iso, exam.line.confidence * sure * amb(exam), exam.line.box);
      if (exam.date.time) out.examination_time = reading(exam.date.time, exam.line.confidence, exam.line.box);
    }
    if (!out.dob && out.examination_date) {
      const examIso = out.examination_date.value;
      const older = free
        .filter((d) => d.date.iso !== examIso && !d.date.time && yearsBetween(d.date.iso, examIso) >= 1)
        .sort((a, b) => (a.date.iso < b.date.iso ? -1 : 1))[0];
      if (older) {
        const hasTimeElsewhere = Boolean(withTime);
        const sure = hasTimeElsewhere ? 0.95 : 0.6;
        out.dob = reading(older.date.iso, older.line.confidence * sure * amb(older), older.line.box);
      }
    }
  }
  if (!out.examination_time) {
    const t = timeBesideDate(lines, out.examination_date?.box ?? null);
    if (t) out.examination_time = t;
  }
  return out;
}

/** A line that is only a time ("14:31", "14:31:08 Uhr"), or a labelled one ("Zeit: 14.31"). */
const TIME_ONLY = /^(?:(uhrzeit|zeit|time|um|at)\s*[:.]?\s*)?([01]?\d|2[0-3])([:.])([0-5]\d)(?:\3([0-5]\d))?(?:\s*(?:uhr|h))?$/iu;

/**
 * The examination time printed apart from its date: a line holding only a time on the same row right of
 * the exam date (the detector splits a line at a wide gap) or just below it; a labelled time anywhere.
 * Unlabelled times need a colon (12.05 could be part of a date).
 */
function timeBesideDate(lines: TextLine[], dateBox: Box | null): FieldReading | null {
  let best: { r: FieldReading; rank: number } | null = null;
  for (const l of lines) {
    const m = TIME_ONLY.exec(l.text.trim());
    if (!m || (!m[1] && m[3] !== ':')) continue;
    const time = `${m[2]!.padStart(2, '0')}:${m[4]}${m[5] ? `:${m[5]}` : ''}`;
    let rank = m[1] ? 2 : 0;
    if (dateBox) {
      const h = dateBox.height;
      const dy = l.box.y + l.box.height / 2 - (dateBox.y + dateBox.height / 2);
      const gapRight = l.box.x - (dateBox.x + dateBox.width);
      const below = l.box.y - (dateBox.y + dateBox.height * 0.5);
      const overlapX = Math.min(l.box.x + l.box.width, dateBox.x + dateBox.width) - Math.max(l.box.x, dateBox.x);
      if (Math.abs(dy) < h * 0.6 && gapRight > -h && gapRight < h * 8) rank += 4;
      else if (below > 0 && below < h * 1.6 && overlapX > -h) rank += 3;
    }
    if (rank === 0) continue;
    if (!best || rank > best.rank) best = { r: reading(time, l.confidence * (rank >= 4 ? 1 : 0.9), l.box), rank };
  }
  return best?.r ?? null;
}

export function bounding(boxes: Box[]): Box {
  const x = Math.min(...boxes.map((b) => b.x));
  const y = Math.min(...boxes.map((b) => b.y));
  const x2 = Math.max(...boxes.map((b) => b.x + b.width));
  const y2 = Math.max(...boxes.map((b) => b.y + b.height));
  return { x, y, width: x2 - x, height: y2 - y };
}
