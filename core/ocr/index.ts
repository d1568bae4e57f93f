/**
 * What other capabilities use from OCR:
 * - prediction (`crop: "roi"`) and anonymization: `getEndoscopeRegion(db, videoId)`;
 * - anonymization: `getAnonymizationTargets(services, videoId)` (text boxes to mask + decrypted patient values
 *   to verify the output against) and `runOcr`/`OcrEngine` to re-read any frames of any file (an anonymized
 *   output) with the same detector and recogniser.
 */
import { defineCapability, type CommandTypes } from '../capability.js';
import type { Services } from '../services.js';
import { metaCommand, ocrCommand, profilesCommand } from './cli/ocr.js';
import { ocrCommands } from './commands.js';
import { ocrPatientMigration } from './migrations/0030-ocr-and-patient-data.js';
import { fieldAlternativesMigration } from './migrations/0105-field-alternatives.js';
import { ocrJob } from './ocr-job.js';
import { libraryKey } from '../patient/key.js';
import { readFields } from '../patient/store.js';
import type { PatientField } from '../patient/fields.js';
import type { Box } from './image.js';
import { getEndoscopeRegion, getOcrResult, type StoredEndoscopeRegion } from './store.js';

export { getEndoscopeRegion, getOcrResult } from './store.js';
export { patientData, type PatientData } from './commands.js';
export { runOcr, runOcrOnImage, OcrEngine, sampleTimes, type OcrResult, type OcrOptions, type TextRegion } from './pipeline.js';
export { insideMask, detectEndoscopeRegion, type EndoscopeRegion, type MaskShape } from './endoscope.js';
export type { Box } from './image.js';

export interface AnonymizationTargets {
  frameWidth: number;
  frameHeight: number;
  /** Overlay text boxes (outside the endoscope image), padded by `pad` px: mask these. */
  textBoxes: Box[];
  /** Every text box found, also those inside the endoscope image (stable or not). */
  allTextBoxes: Array<Box & { stable: boolean; insideEndoscope: boolean }>;
  endoscope: StoredEndoscopeRegion | null;
  /** Decrypted patient values (verified or not) to check an anonymized output against. Never log them. */
  patientValues: Partial<Record<PatientField, string>>;
  /** Fields a reviewer verified. */
  verified: PatientField[];
}

/** Everything anonymization needs for a video; null when OCR has not run on it yet. */
export async function getAnonymizationTargets(services: Services, videoId: number, pad = 4): Promise<AnonymizationTargets | null> {
  const db = services.db.reader;
  const r = await getOcrResult(db, videoId, null);
  if (!r) return null;
  const key = await libraryKey(services);
  const fields = await readFields(db, key, videoId);
  const grow = (b: Box): Box => {
    const x = Math.max(0, b.x - pad);
    const y = Math.max(0, b.y - pad);
    return { x, y, width: Math.min(r.frameWidth, b.x + b.width + pad) - x, height: Math.min(r.frameHeight, b.y + b.height + pad) - y };
  };
  return {
    frameWidth: r.frameWidth,
    frameHeight: r.frameHeight,
    textBoxes: r.regions.filter((g) => !g.insideEndoscope).map((g) => grow(g.box)),
    allTextBoxes: r.regions.map((g) => ({ ...grow(g.box), stable: g.stable, insideEndoscope: g.insideEndoscope })),
    endoscope: await getEndoscopeRegion(db, videoId),
    patientValues: Object.fromEntries(fields.map((f) => [f.field, f.value])),
    verified: fields.filter((f) => f.verified).map((f) => f.field),
  };
}

/**
 * The same targets in the shape the anonymization capability's source providers return
 * (`{ region: { rect, shape: 'rect'|'round'|'octagon', cornerCut? }, textBoxes: [{ rect, source }], patient }`),
 * so wiring it is one line: `registerSourceProvider({ name: 'ocr', load: (s, v) => ocrAnonymizationSource(s, v.id) })`.
 * Coordinates are display pixels (after rotation), as OCR sees the frames.
 */
export async function ocrAnonymizationSource(services: Services, videoId: number) {
  const t = await getAnonymizationTargets(services, videoId);
  if (!t) return {};
  const rect = (b: Box) => ({
    x: Math.max(0, Math.round(b.x)),
    y: Math.max(0, Math.round(b.y)),
    width: Math.max(1, Math.round(b.width)),
    height: Math.max(1, Math.round(b.height)),
  });
  const e = t.endoscope;
  const shape = { circle: 'round', octagon: 'octagon', rectangle: 'rect' } as const;
  const v = t.patientValues;
  const identifying: PatientField[] = ['last_name', 'first_name', 'dob', 'examination_date', 'casenumber'];
  const present = identifying.filter((f) => v[f]);
  const pseudonym =
    (await services.db.reader.selectFrom('patient_identity').select('pseudonym').where('video_id', '=', videoId).executeTakeFirst())
      ?.pseudonym ?? null;
  return {
    region: e ? { rect: rect(e), shape: shape[e.shape], ...(e.cornerCut !== undefined ? { cornerCut: e.cornerCut } : {}) } : null,
    textBoxes: t.textBoxes.map((b) => ({ rect: rect(b), source: 'ocr' })),
    patient: present.length
      ? {
          firstName: v.first_name ?? null,
          lastName: v.last_name ?? null,
          dob: v.dob ?? null,
          examinationDate: v.examination_date ?? null,
          caseNumber: v.casenumber ?? null,
          other: [],
          verified: present.every((f) => t.verified.includes(f)),
          pseudonym: pseudonym ? pseudonym.slice(0, 16) : null,
        }
      : null,
  };
}

/** The OCR capability: burned-in text, patient fields, device profiles, the endoscope region. */
export const ocr = defineCapability({
  name: 'ocr',
  commands: ocrCommands,
  jobKinds: [ocrJob],
  migrations: [ocrPatientMigration, fieldAlternativesMigration],
  cli: [ocrCommand, profilesCommand, metaCommand],
});

declare module '../capability.js' {
  interface CommandRegistry extends CommandTypes<typeof ocrCommands> {}
}
