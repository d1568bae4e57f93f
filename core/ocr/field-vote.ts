import type { FieldReading, PatientField, TextLine } from '../patient/fields.js';
import { fieldConfidence, type FieldKind } from './confidence.js';
import { coverage } from './image.js';
import type { RecognizedChar } from './recognize.js';

export interface ReadLine extends TextLine {
  detectorScore: number;
}

export interface FieldResult extends FieldReading {
  /** Frame number the value was read from. */
  frame: number;
  /** How many samples agreed on this value. */
  votes: number;
  /** Competing values (other frames or another reading scale), when OCR could not decide. */
  alternatives?: string[];
  /** PNG of the crop it was read from (patient data: stored encrypted). */
  crop: Buffer;
}

/**
 * One frame's reading of a field, with its calibrated confidence and a competing value, if any. `C` is the
 * crop: the pipeline keeps raw pixels per frame and encodes the PNG of the winning reading only.
 */
export type FrameReading<C = Buffer> = FieldReading & { frame: number; crop: C; alternative?: string };

/** A voted field whose crop is still `C` (raw pixels until the winner's PNG is encoded). */
export type VotedField<C = Buffer> = Omit<FieldResult, 'crop'> & { crop: C };

const FIELD_KINDS: Record<PatientField, FieldKind> = {
  last_name: 'name',
  first_name: 'name',
  dob: 'date',
  examination_date: 'date',
  examination_time: 'time',
  casenumber: 'casenumber',
  device: 'text',
};

/**
 * Combine per-frame readings of a field: vote by value (sum of per-frame confidences); the confidence is
 * the calibrated `fieldConfidence` of the winning value with the share of frames that agree; other values
 * with a real share of the votes, or a competing reading of the same line, become `alternatives`.
 */
export function voteField<C = Buffer>(readings: Array<FrameReading<C>>, framesRead: number, earliest: boolean): VotedField<C> | undefined {
  if (!readings.length) return undefined;
  if (earliest) {
    const r = [...readings].sort((a, b) => a.frame - b.frame)[0]!;
    const { alternative, ...rest } = r;
    return { ...rest, votes: 1, confidence: r.confidence, ...(alternative ? { alternatives: [alternative] } : {}) };
  }
  const byValue = new Map<string, Array<FrameReading<C>>>();
  for (const r of readings) byValue.set(r.value, [...(byValue.get(r.value) ?? []), r]);
  const ranked = [...byValue]
    .map(([value, rs]) => ({ value, rs, score: rs.reduce((s, r) => s + r.confidence, 0) }))
    .sort((a, b) => b.score - a.score);
  const best = ranked[0]!;
  const top = [...best.rs].sort((a, b) => b.confidence - a.confidence)[0]!;
  const agreement = best.rs.length / Math.max(1, framesRead);
  const alternatives = new Set<string>();
  for (const r of ranked.slice(1)) if (r.rs.length >= Math.max(1, best.rs.length * 0.25)) alternatives.add(r.value);
  for (const r of best.rs) if (r.alternative && r.alternative !== best.value) alternatives.add(r.alternative);
  let confidence = top.confidence * (0.4 + 0.6 * agreement);
  if (alternatives.size) confidence = Math.min(confidence, 0.5);
  const { alternative: _unused, ...rest } = top;
  void _unused;
  return { ...rest, votes: best.rs.length, confidence, ...(alternatives.size ? { alternatives: [...alternatives].slice(0, 3) } : {}) };
}

/**
 * The characters of a line that make up a value (junk read from icons beside a name must not count); all of
 * them when the value is not a substring of the line (a date turned into ISO form).
 */
function valueChars(value: string, chars: RecognizedChar[]): RecognizedChar[] {
  const wanted = value.replace(/\s+/g, '');
  const joined = chars.map((c) => c.text).join('');
  const at = wanted ? joined.indexOf(wanted) : -1;
  if (at < 0) return chars;
  const out: RecognizedChar[] = [];
  let pos = 0;
  for (const c of chars) {
    if (pos >= at && pos < at + wanted.length) out.push(c);
    pos += c.text.length;
  }
  return out;
}

/**
 * The per-frame confidence of a field reading (see `fieldConfidence`) from the lines it came from, and the
 * value a competing reading of those lines would give.
 */
export function scoreReading(
  key: PatientField,
  r: FieldReading,
  lines: ReadLine[],
  reextract: (lines: ReadLine[]) => Partial<Record<PatientField, FieldReading>>,
): { confidence: number; alternative?: string } {
  const src = lines.filter((l) => coverage(l.box, r.box) > 0.8);
  const chars = valueChars(
    r.value,
    src.flatMap((l) => l.chars ?? []),
  );
  let alternative: string | undefined;
  for (const l of src) {
    if (l.alternative === undefined) continue;
    const alt = reextract(lines.map((x) => (x === l ? { ...x, text: l.alternative! } : x)))[key]?.value;
    if (alt !== r.value) alternative = alt ?? '';
  }
  const raw = src.map((l) => l.text).join(' ');
  let confidence = fieldConfidence({
    text: r.value,
    line: { confidence: r.confidence, ...(chars.length ? { chars } : {}), ...(alternative !== undefined ? { alternative } : {}) },
    kind: FIELD_KINDS[key],
    agreement: 1,
  });
  // The extraction's own doubt (dates by plausibility only, ambiguous day/month, …) scales it down.
  const lineConfidence = src.length ? Math.min(...src.map((l) => l.confidence)) : 0;
  if (lineConfidence > 0) confidence *= Math.min(1, r.confidence / lineConfidence);
  // A name whose initial the extraction had to fix (lower case read, l for I) is a guess.
  if (FIELD_KINDS[key] === 'name' && !raw.includes(r.value)) confidence = Math.min(confidence, 0.6);
  return { confidence, ...(alternative ? { alternative } : {}) };
}
