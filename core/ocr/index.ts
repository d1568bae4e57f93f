/**
 * What other capabilities use from OCR:
 * - prediction (`crop: "roi"`) and anonymization: `getEndoscopeRegion(db, videoId)`;
 * - anonymization: `getAnonymizationTargets(services, videoId)` (text boxes to mask + decrypted patient values
 *   to verify the output against) and `runOcr`/`OcrEngine` to re-read any frames of any file (an anonymized
 *   output) with the same detector and recogniser.
 */
import { defineCapability, type CommandTypes } from '../capability.js';
import { metaCommand, ocrCommand, profilesCommand } from './cli/ocr.js';
import { ocrCommands } from './commands.js';
import { ocrPatientMigration } from './migrations/0030-ocr-and-patient-data.js';
import { fieldAlternativesMigration } from './migrations/0105-field-alternatives.js';
import { ocrJob } from './ocr-job.js';

export { getEndoscopeRegion, getOcrResult } from './store.js';
export { patientData, type PatientData } from './commands.js';
export { runOcr, runOcrOnImage, OcrEngine, sampleTimes, type OcrResult, type OcrOptions, type TextRegion } from './pipeline.js';
export { insideMask, detectEndoscopeRegion, type EndoscopeRegion, type MaskShape, type MeasuredEndoscopeRegion } from './endoscope.js';
export type { Box } from './image.js';

export {
  frameWindowAt,
  previewFrameWindowAt,
  previewMask,
  previewMaskAt,
  previewTag,
  registerTimedPreviewMasks,
  timedMaskRanges,
  type FrameWindow,
  type PreviewMask,
  type TimedMaskProvider,
  type TimedPreviewMasks,
} from './preview-mask.js';
export {
  PREVIEW_KINDS,
  previewWarningSchema,
  refreshPreviews,
  refreshPreviewsOrWarn,
  type PreviewKind,
  type PreviewWarning,
} from './preview-refresh.js';
export { getAnonymizationTargets, type AnonymizationTargets } from './targets.js';

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
