/**
 * The three levels the reviewer sees. The thresholds are the core's (`core/ocr/confidence.ts`, taken from the OCR
 * corpus' reliability table); the renderer imports only API types, so they are repeated here and
 * `test/renderer/confidence-levels.test.ts` fails when the two differ.
 */
export const CONFIDENCE_THRESHOLDS = { sure: 0.9, likely: 0.7 } as const;
export type ConfidenceLevel = 'check' | 'likely' | 'sure';

export function confidenceLevel(confidence: number): ConfidenceLevel {
  if (confidence >= CONFIDENCE_THRESHOLDS.sure) return 'sure';
  if (confidence >= CONFIDENCE_THRESHOLDS.likely) return 'likely';
  return 'check';
}
