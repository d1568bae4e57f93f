import type { Settings } from '../settings/schema.js';
import type { AnonymizeSources } from './sources.js';
import type { AnonymizeOptions } from './types.js';

/**
 * The clinical gate: with it on, anonymization refuses to start until the patient fields are known and
 * verified by a reviewer and every segment that would be removed (by label) is validated.
 */
export interface GateResult {
  required: boolean;
  ok: boolean;
  /** What is missing, in words the user can act on. */
  missing: string[];
  /** The same as codes, for translated text and a one-click fix in the app. */
  reasons: GateReason[];
}

export type GateReason =
  { code: 'patient_unknown' } | { code: 'patient_unverified' } | { code: 'segments_unvalidated'; count: number; frames: string };

export function gateRequired(settings: Pick<Settings, 'anonymizeClinicalGate' | 'copyIntoLibrary'>): boolean {
  return settings.anonymizeClinicalGate === 'on' || (settings.anonymizeClinicalGate === 'auto' && settings.copyIntoLibrary);
}

export function checkClinicalGate(
  settings: Pick<Settings, 'anonymizeClinicalGate' | 'copyIntoLibrary'>,
  sources: Pick<AnonymizeSources, 'patient' | 'segments'>,
  options: Pick<AnonymizeOptions, 'labels'>,
): GateResult {
  const required = gateRequired(settings);
  const missing: string[] = [];
  const reasons: GateReason[] = [];
  const p = sources.patient;
  const known = !!p && !!(p.first_name || p.last_name || p.dob || p.casenumber || p.other.length);
  if (!known) {
    missing.push('The patient fields are not known: run OCR on the video or enter them, then verify them.');
    reasons.push({ code: 'patient_unknown' });
  } else if (!p.verified) {
    missing.push('The patient fields have not been verified by a reviewer.');
    reasons.push({ code: 'patient_unverified' });
  }
  const labels = new Set(options.labels);
  const unvalidated = sources.segments.filter((s) => labels.has(s.label) && !s.validated);
  if (unvalidated.length) {
    const list = unvalidated
      .slice(0, 5)
      .map((s) => `${s.label} ${s.startFrame}–${s.endFrame - 1}`)
      .join(', ');
    missing.push(
      `${unvalidated.length} segment(s) to remove are not validated by a reviewer (frames ${list}${unvalidated.length > 5 ? ', …' : ''}).`,
    );
    reasons.push({ code: 'segments_unvalidated', count: unvalidated.length, frames: `${list}${unvalidated.length > 5 ? ', …' : ''}` });
  }
  return { required, ok: !required || missing.length === 0, missing, reasons };
}
