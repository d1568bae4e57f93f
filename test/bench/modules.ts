import type { BenchModule } from './types.js';
import { importBench } from './import.bench.js';
import { ocrBench } from './ocr.bench.js';
import { ocrCorpusBench } from './ocr-corpus.bench.js';
import { libraryBench } from './library.bench.js';
import { predictBench } from './predict.bench.js';
import { reviewBench } from './review.bench.js';
import { anonymizeBench } from './anonymize.bench.js';
import { anonymizeVerifyBench } from './anonymize-verify.bench.js';
import { scenesBench } from './scenes.bench.js';
import { similarBench } from './similar.bench.js';
import { audioBench } from './audio.bench.js';
import { subtitlesBench } from './subtitles.bench.js';

/** Every benchmark, in run order. Capabilities add theirs here. */
export const benchModules: BenchModule[] = [
  importBench,
  libraryBench,
  predictBench,
  ocrBench,
  ocrCorpusBench,
  reviewBench,
  anonymizeBench,
  anonymizeVerifyBench,
  scenesBench,
  similarBench,
  audioBench,
  subtitlesBench,
];
