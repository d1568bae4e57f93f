import { Ffmpeg } from '../../core/ffmpeg/index.js';
import { CONFIDENCE_THRESHOLDS } from '../../core/ocr/confidence.js';
import { OcrEngine } from '../../core/ocr/pipeline.js';
import { corpusFrames } from '../ocr/corpus/corpus.js';
import { evaluateFrames, reliabilityTable } from '../ocr/corpus/evaluate.js';
import { ratioRow, shareRow, type BenchModule, type BenchRow } from './types.js';

/**
 * The whole generated OCR corpus (≥ 300 names, 3 fonts, 14–32 px, both polarities, every date format):
 * exact names and dates, and the reliability table of the field confidence (issue 20's targets).
 */
export const ocrCorpusBench: BenchModule = {
  name: 'ocr-corpus',
  async run() {
    const ffmpeg = await Ffmpeg.create();
    const engine = await OcrEngine.create();
    try {
      const t0 = performance.now();
      const results = await evaluateFrames(ffmpeg, engine, corpusFrames());
      const seconds = (performance.now() - t0) / 1000;
      const names = results.filter((r) => r.kind === 'name');
      const dates = results.filter((r) => r.kind === 'date');
      const share = (xs: typeof results) => xs.filter((r) => r.correct).length / Math.max(1, xs.length);
      const sure = results.filter((r) => r.confidence >= CONFIDENCE_THRESHOLDS.sure);
      const wrong = results.filter((r) => !r.correct);
      const rows: BenchRow[] = [
        shareRow('ocr', `corpus: names exact (${names.length} names)`, share(names), 0.98, `${seconds.toFixed(0)} s`),
        shareRow('ocr', `corpus: dates exact (${dates.length} dates)`, share(dates), 1),
        shareRow('ocr', `corpus: right among fields at confidence ≥ ${CONFIDENCE_THRESHOLDS.sure}`, share(sure), 0.98),
        shareRow(
          'ocr',
          `corpus: wrong fields below ${CONFIDENCE_THRESHOLDS.likely}`,
          wrong.length ? wrong.filter((r) => r.confidence < CONFIDENCE_THRESHOLDS.likely).length / wrong.length : 1,
          0.9,
          `${wrong.length} wrong fields`,
        ),
      ];
      for (const r of reliabilityTable(results))
        rows.push(ratioRow('ocr', `reliability: confidence ${r.range}`, r.accuracy, undefined, `${r.right} of ${r.fields} right`));
      return rows;
    } finally {
      await engine.close();
    }
  },
};
