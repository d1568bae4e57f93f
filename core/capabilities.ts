import type { AnyJobKind } from './jobs/kind.js';
import { importJob } from './library/import-job.js';
import { frameCountJob, verifyDecodeJob } from './library/video-jobs.js';
import { ocrJob } from './ocr/ocr-job.js';
import { predictJob } from './predict/predict-job.js';
import { spritesJob } from './review/sprites-job.js';
import { anonymizeJob } from './anonymize/job.js';

/** Every job kind the core knows. Each capability folder contributes its kinds here. */
export const jobKinds: AnyJobKind[] = [importJob, frameCountJob, verifyDecodeJob, ocrJob, predictJob, spritesJob, anonymizeJob];
