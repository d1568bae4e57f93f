import type { RecognizedChar } from './recognize.js';

/**
 * Field confidence that predicts whether a value is right (calibrated on the generated corpus, see the
 * reliability table in `test/ocr/corpus.test.ts` and `npm run bench`). Inputs: the recogniser's weakest
 * character, extra weight on characters it often confuses (s/ş, i/ı, l/ł, …), a format check for the
 * field's kind, and the share of sampled frames that agree on the value.
 */
export type FieldKind = 'name' | 'date' | 'time' | 'casenumber' | 'text';

/** Letters the Latin model confuses with a near twin (with/without a diacritic, dotless i, …). */
const CONFUSABLE = new Set([
  ...'sşšśSŞŠŚiıìíîïIİÌÍÎÏlłLŁzżźžZŻŹŽeęéèêëěEĘÉÈÊËĚaąáàâäãåAĄÁÀÂÄÃÅcçćčCÇĆČoóòôöõøOÓÒÔÖÕØuüúùûůUÜÚÙÛŮgğGĞnñńňNÑŃŇrřRŘtťţTŤŢdďđDĎĐyýYÝ',
]);

/** Confidence levels the UI shows; thresholds taken from the reliability table. */
export const CONFIDENCE_THRESHOLDS = { sure: 0.9, likely: 0.7 } as const;
export type ConfidenceLevel = 'check' | 'likely' | 'sure';

export function confidenceLevel(confidence: number): ConfidenceLevel {
  if (confidence >= CONFIDENCE_THRESHOLDS.sure) return 'sure';
  if (confidence >= CONFIDENCE_THRESHOLDS.likely) return 'likely';
  return 'check';
}

const NAME_FORMAT = /^\p{Lu}[\p{L}'’-]*(?:[ -]\p{Lu}?[\p{L}'’-]*)*(?:, \p{Lu}[\p{L}'’-]*(?:[ -]\p{Lu}[\p{L}'’-]*)*)?$/u;
/** Case numbers as `caseNumberAt` reads them: prefix, separators, digit groups split by single spaces. */
const CASE_FORMAT = /^[A-Z0-9][A-Z0-9/_. -]*\d[A-Z0-9/_.-]*$/i;
const INNER_CAPITAL = /[\p{Ll}ß]\p{Lu}/u;

export function formatOk(value: string, kind: FieldKind): boolean {
  if (!value) return false;
  switch (kind) {
    case 'name':
      return NAME_FORMAT.test(value);
    case 'date':
      return /^\d{4}-\d{2}-\d{2}/.test(value);
    case 'time':
      return /^\d{2}:\d{2}(:\d{2})?$/.test(value);
    case 'casenumber':
      return CASE_FORMAT.test(value);
    case 'text':
      return true;
  }
}

export interface ConfidenceInput {
  /** The field's value (after parsing). */
  text: string;
  /** The line it was read from. */
  line: { confidence: number; chars?: RecognizedChar[]; alternative?: string };
  kind: FieldKind;
  /** Share of read frames that gave this value (1 for a single frame). */
  agreement: number;
}

/** Weakest character score (letters/digits only), and the weakest of the confusable letters. */
export function charScores(chars: RecognizedChar[] | undefined, fallback: number): { weakest: number; confusable: number } {
  let weakest = 1;
  let confusable = 1;
  let any = false;
  for (const c of chars ?? []) {
    if (!c.text.trim()) continue;
    any = true;
    weakest = Math.min(weakest, c.confidence);
    if ([...c.text].some((ch) => CONFUSABLE.has(ch))) confusable = Math.min(confusable, c.confidence);
  }
  return any ? { weakest, confusable } : { weakest: fallback, confusable: fallback };
}

export function fieldConfidence(input: ConfidenceInput): number {
  if (!formatOk(input.text, input.kind)) return Math.min(0.3, input.line.confidence * 0.3);
  const { weakest, confusable } = charScores(input.line.chars, input.line.confidence);
  // Tesseract's per-character scores sit at 0.96–0.99 when sure; a wrong letter scores lower.
  const charPart = Math.max(0, Math.min(1, (weakest - 0.5) / 0.45));
  const confusablePart = Math.max(0, Math.min(1, (confusable - 0.6) / 0.35));
  let c = Math.min(charPart, confusablePart) * (0.4 + 0.6 * Math.max(0, Math.min(1, input.agreement)));
  // Two scales read the line differently: the reviewer must check (both readings are shown).
  if (input.line.alternative !== undefined) c = Math.min(c, 0.5);
  // A capital inside a name word ("NüßBlein") is how a split glyph reads; the rare real ones (McDonald)
  // are worth a look too.
  if (input.kind === 'name' && INNER_CAPITAL.test(input.text)) c = Math.min(c, 0.6);
  return Math.round(Math.max(0, Math.min(1, c)) * 1000) / 1000;
}
