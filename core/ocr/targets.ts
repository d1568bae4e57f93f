import type { Services } from '../services.js';
import { libraryKey } from '../patient/key.js';
import { readFields } from '../patient/store.js';
import type { PatientField } from '../patient/fields.js';
import type { Box } from './image.js';
import { getEndoscopeRegion, getOcrResult, type StoredEndoscopeRegion } from './store.js';

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
