import type { PatientField } from '../patient/fields.js';
import type { PatientFields } from './types.js';

/**
 * Patient tokens and fuzzy matching for verification. Matching is case- and accent-insensitive; tokens of
 * 4+ characters also match at edit distance ≤ 1 (and inside longer OCR words). Dates match in the usual
 * digit layouts (dd.mm.yyyy, dd/mm/yy, yyyy-mm-dd, …) even when OCR splits them over words.
 * Token values stay in memory: reports name the field, never the value.
 */
/** The patient field a token comes from: the patient vocabulary's names (`core/patient/fields.ts`), or other text. */
export type TokenField = Extract<PatientField, 'first_name' | 'last_name' | 'dob' | 'examination_date' | 'casenumber'> | 'other';

export interface PatientToken {
  field: TokenField;
  /** Normalized form ([a-z0-9]). */
  value: string;
  kind: 'word' | 'digits';
}

export const fieldLabels: Record<TokenField, string> = {
  first_name: 'first name',
  last_name: 'last name',
  dob: 'date of birth',
  examination_date: 'examination date',
  casenumber: 'case number',
  other: 'identifying text',
};

/** Lowercase, accents removed (ä→a, é→e, ß→ss), only letters and digits kept. */
export function normalizeText(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/ß/g, 'ss')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
}

/** Words of a string, each normalized (empty ones dropped). */
export function normalizedWords(s: string): string[] {
  return s
    .split(/[^\p{L}\p{N}]+/u)
    .map(normalizeText)
    .filter(Boolean);
}

function dateVariants(iso: string): string[] {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso.trim());
  if (!m) {
    const digits = iso.replace(/\D/g, '');
    return digits.length >= 4 ? [digits] : [];
  }
  const [, y, mo, d] = m as unknown as [string, string, string, string];
  return [...new Set([`${d}${mo}${y}`, `${y}${mo}${d}`, `${d}${mo}${y.slice(2)}`, `${mo}${d}${y}`])];
}

export function patientTokens(p: PatientFields): PatientToken[] {
  const out: PatientToken[] = [];
  const add = (field: TokenField, value: string, kind: PatientToken['kind']) => {
    if (value.length < 2) return;
    if (!out.some((t) => t.value === value && t.field === field)) out.push({ field, value, kind });
  };
  for (const w of normalizedWords(p.first_name ?? '')) add('first_name', w, 'word');
  for (const w of normalizedWords(p.last_name ?? '')) add('last_name', w, 'word');
  for (const o of p.other) for (const w of normalizedWords(o)) add('other', w, /^\d+$/.test(w) ? 'digits' : 'word');
  if (p.dob) for (const v of dateVariants(p.dob)) add('dob', v, 'digits');
  if (p.examination_date) for (const v of dateVariants(p.examination_date)) add('examination_date', v, 'digits');
  if (p.casenumber) {
    const n = normalizeText(p.casenumber);
    if (n) add('casenumber', n, /^\d+$/.test(n) ? 'digits' : 'word');
  }
  return out;
}

/** Levenshtein distance, stopping early once it exceeds `max`. */
export function editDistance(a: string, b: string, max = 2): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

/** Whether one normalized OCR string matches a token (fuzzy for 4+ characters). */
export function tokenMatches(candidate: string, token: PatientToken): boolean {
  if (!candidate) return false;
  if (candidate === token.value) return true;
  if (token.value.length < 4) return false;
  if (candidate.includes(token.value)) return true;
  if (editDistance(candidate, token.value, 1) <= 1) return true;
  // A merged OCR word ("luxthomas"): a window of the token's length (±1) at distance ≤ 1.
  if (candidate.length > token.value.length + 1) {
    for (const len of [token.value.length - 1, token.value.length, token.value.length + 1]) {
      for (let i = 0; i + len <= candidate.length; i++) {
        if (editDistance(candidate.slice(i, i + len), token.value, 1) <= 1) return true;
      }
    }
  }
  return false;
}

export interface TokenHit {
  field: TokenField;
  /** Index of the first OCR word of the match in the line. */
  wordIndex: number;
  wordCount: number;
}

/**
 * Find patient tokens in one line of OCR words (in reading order). Word tokens are compared per word and per
 * sub-word; digit tokens also against the digits of 1–3 consecutive words joined (dates split by OCR).
 */
export function findTokensInLine(words: string[], tokens: PatientToken[]): TokenHit[] {
  const hits: TokenHit[] = [];
  const wordTokens = tokens.filter((t) => t.kind === 'word');
  const digitTokens = tokens.filter((t) => t.kind === 'digits');
  words.forEach((w, i) => {
    // A word OCR split in two ("Jür gen") is also tried joined with the next one.
    const next = words[i + 1];
    const candidates = new Set([normalizeText(w), ...normalizedWords(w), ...(next ? [normalizeText(w + next)] : [])]);
    for (const t of wordTokens) {
      if ([...candidates].some((c) => tokenMatches(c, t))) hits.push({ field: t.field, wordIndex: i, wordCount: 1 });
    }
  });
  for (let i = 0; i < words.length; i++) {
    for (let n = 1; n <= 3 && i + n <= words.length; n++) {
      const digits = words
        .slice(i, i + n)
        .join('')
        .replace(/[^0-9]/g, '');
      if (digits.length < 4) continue;
      for (const t of digitTokens) {
        if (tokenMatches(digits, t) && !hits.some((h) => h.field === t.field && h.wordIndex === i)) {
          hits.push({ field: t.field, wordIndex: i, wordCount: n });
        }
      }
    }
  }
  return hits;
}

/** Patient tokens in any of several readings of one line (e.g. two recognisers): one hit per field. */
export function findTokensInReadings(readings: string[], tokens: PatientToken[]): TokenHit[] {
  const hits: TokenHit[] = [];
  for (const r of readings) {
    for (const h of findTokensInLine(r.split(/\s+/).filter(Boolean), tokens)) if (!hits.some((x) => x.field === h.field)) hits.push(h);
  }
  return hits;
}
