import { normalizedWords, tokenMatches, type PatientToken } from './tokens.js';

/** What stands in the audit for a command-line element that could carry a patient value. */
export const WITHHELD_ARGUMENT = '<withheld: may contain patient data>';

/**
 * The render command line as the export audit stores it: exactly the array ffmpeg was started with, except
 * that an element in which any patient token is found (the original's path may name the patient) is replaced
 * by WITHHELD_ARGUMENT. Names match as in verification (fuzzy, accent-insensitive), so it errs toward withholding.
 */
export function auditedCommand(command: readonly string[], tokens: readonly PatientToken[]): string[] {
  if (!tokens.length) return [...command];
  return command.map((arg) => {
    const words = normalizedWords(arg);
    // Dates and numbers as written in names: digit groups joined by one separator (01.02.1970, 1970-02-01).
    const numbers = (arg.match(/\d+(?:[-./_ ]\d+){0,2}/g) ?? []).map((n) => n.replace(/\D/g, ''));
    // Names fuzzy (a typed "Mueller" is "Müller"); numbers exactly: a number one digit off is another number, and
    // the random hex of temp names would otherwise match now and then.
    const hit = tokens.some((t) =>
      t.kind === 'digits' ? numbers.some((n) => n.includes(t.value)) : words.some((w) => tokenMatches(w, t)),
    );
    return hit ? WITHHELD_ARGUMENT : arg;
  });
}
