import { getAnonymizationTargets } from '../../ocr/index.js';
import { readPseudonym } from '../../patient/store.js';
import type { SourceProvider } from './provider.js';
import type { EndoscopeRegion, PatientFields, Rect } from '../types.js';

/**
 * The OCR capability as a source: the endoscope region, the text boxes it found (outside the image: all of
 * them, the plan drops those the region already hides; inside: the stable ones) and the decrypted patient
 * fields.
 * Geometry is scaled from the frame size OCR worked at to the video's display size.
 */
export const ocrSourceProvider: SourceProvider = {
  name: 'ocr',
  async load(services, video) {
    const t = await getAnonymizationTargets(services, video.id, 0);
    if (!t) return {};
    const sx = video.display_width / t.frameWidth;
    const sy = video.display_height / t.frameHeight;
    const scale = (b: { x: number; y: number; width: number; height: number }): Rect => {
      const x = Math.max(0, Math.floor(b.x * sx));
      const y = Math.max(0, Math.floor(b.y * sy));
      return { x, y, width: Math.max(1, Math.ceil((b.x + b.width) * sx) - x), height: Math.max(1, Math.ceil((b.y + b.height) * sy) - y) };
    };
    let region: EndoscopeRegion | null = null;
    if (t.endoscope) {
      const e = t.endoscope;
      region = { ...scale(e), shape: e.shape, ...(e.cornerCut !== undefined ? { cornerCut: e.cornerCut } : {}) };
    }
    const v = t.patientValues;
    const identity = (['last_name', 'first_name', 'dob', 'examination_date', 'casenumber'] as const).filter((f) => v[f]);
    const patient: PatientFields | null = identity.length
      ? {
          first_name: v.first_name ?? null,
          last_name: v.last_name ?? null,
          dob: v.dob ?? null,
          examination_date: v.examination_date ?? null,
          casenumber: v.casenumber ?? null,
          other: v.examination_time ? [v.examination_time] : [],
          verified: identity.every((f) => t.verified.includes(f)),
          pseudonym: await readPseudonym(services.db.reader, video.id),
        }
      : null;
    // Inside the endoscope image only stable boxes are text (burned-in stamps); unstable ones are image
    // content the detector mistook for text. Outside it every box counts (it matters when no region is known).
    const boxes = t.allTextBoxes.filter((b) => !b.insideEndoscope || b.stable || !region);
    return {
      region,
      textBoxes: boxes.map((b) => ({ rect: scale(b), source: b.insideEndoscope ? 'ocr-inside' : 'ocr' })),
      ...(patient ? { patient } : {}),
    };
  },
};
