import { copyFile, lstat, mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { FramewiseError } from '../util/errors.js';
import os from 'node:os';
import path from 'node:path';
import type { Worker as TesseractWorker } from 'tesseract.js';
import {
  channelCrop,
  clampBox,
  encodePng,
  normalizeContrast,
  padGray,
  resizeGray,
  type Box,
  type GrayImage,
  type RgbImage,
} from './image.js';
import { tessdataFile } from './models.js';

export interface RecognizedLine {
  text: string;
  /** 0..1 */
  confidence: number;
}

/** Target height in pixels of a text line handed to Tesseract. */
export const LINE_HEIGHT = 40;

/**
 * Tesseract reads one `langPath` for every language; the German and English data live in two package
 * folders, so both files are copied (from node_modules, never downloaded) into one folder that only this
 * user can write: `cacheDir` (inside the library) when given — created 0700 and refused unless it is a real
 * folder owned by this user — otherwise a fresh private temp folder (mkdtemp, 0700), removed on close.
 * A shared predictable path would let another local user block or feed every OCR run.
 */
export async function localTessdataDir(cacheDir?: string): Promise<{ dir: string; temporary: boolean }> {
  let dir: string;
  let temporary = false;
  if (cacheDir) {
    dir = cacheDir;
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const st = await lstat(dir);
    const uid = process.getuid?.();
    if (!st.isDirectory() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o022) !== 0) {
      throw new FramewiseError('file_unreadable', `The OCR data folder ${dir} is not a private folder of this user`);
    }
  } else {
    dir = await mkdtemp(path.join(os.tmpdir(), 'framewise-tessdata-'));
    temporary = true;
  }
  for (const lang of ['deu', 'eng'] as const) {
    const src = tessdataFile(lang);
    const dest = path.join(dir, `${lang}.traineddata.gz`);
    const [s, d] = await Promise.all([stat(src), lstat(dest).catch(() => null)]);
    if (!d || !d.isFile() || d.size !== s.size) {
      const tmp = `${dest}.${process.pid}.partial`;
      await copyFile(src, tmp);
      await rename(tmp, dest);
    }
  }
  return { dir, temporary };
}

/**
 * Prepare a detected line for Tesseract: green channel (best contrast for the usual white/yellow/green
 * overlays), inverted when the text is bright on a dark ground so it becomes dark on light, contrast
 * stretched, scaled to about LINE_HEIGHT px, padded.
 */
export function prepareLine(img: RgbImage, box: Box): GrayImage {
  const b = clampBox(box, img.width, img.height);
  let g = channelCrop(img, b, 1, false);
  // Polarity: the border pixels are background.
  let border = 0;
  let count = 0;
  for (let x = 0; x < g.width; x++) {
    border += g.data[x]! + g.data[(g.height - 1) * g.width + x]!;
    count += 2;
  }
  for (let y = 0; y < g.height; y++) {
    border += g.data[y * g.width]! + g.data[y * g.width + g.width - 1]!;
    count += 2;
  }
  let mean = 0;
  for (const v of g.data) mean += v;
  mean /= Math.max(1, g.data.length);
  if (border / Math.max(1, count) < mean) g = channelCrop(img, b, 1, true);
  g = normalizeContrast(g);
  // The detector's box is about 1.6× the glyph height (unclip); scale so glyphs are ~LINE_HEIGHT·0.75.
  const scale = (LINE_HEIGHT * 1.25) / Math.max(1, b.height);
  const w = Math.max(8, Math.round(g.width * scale));
  const h = Math.max(8, Math.round(g.height * scale));
  return padGray(resizeGray(g, w, h), 12, 255);
}

/** Tesseract (tesseract.js 7, WebAssembly in a worker thread) with local German + English LSTM data. */
export class LineRecognizer {
  private constructor(
    private readonly worker: TesseractWorker,
    private readonly tempDir: string | null,
  ) {}

  static async create(opts: { cacheDir?: string } = {}): Promise<LineRecognizer> {
    const { dir: langPath, temporary } = await localTessdataDir(opts.cacheDir);
    const tesseract = (await import('tesseract.js')).default;
    const worker = await tesseract.createWorker(['deu', 'eng'], tesseract.OEM.LSTM_ONLY, {
      langPath,
      cacheMethod: 'none',
      gzip: true,
    });
    await worker.setParameters({
      tessedit_pageseg_mode: tesseract.PSM.SINGLE_LINE,
      preserve_interword_spaces: '1',
    });
    return new LineRecognizer(worker, temporary ? langPath : null);
  }

  async recognizeGray(line: GrayImage): Promise<RecognizedLine> {
    const png = encodePng(line, 1);
    const { data } = await this.worker.recognize(png);
    const text = data.text.replace(/\s+/g, ' ').trim();
    return { text, confidence: Math.max(0, Math.min(1, (data.confidence ?? 0) / 100)) };
  }

  async recognize(img: RgbImage, box: Box): Promise<RecognizedLine> {
    return this.recognizeGray(prepareLine(img, box));
  }

  /** Stops the worker thread at once (used for cancel too). */
  private closing: Promise<void> | null = null;

  close(): Promise<void> {
    this.closing ??= this.worker
      .terminate()
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => (this.tempDir ? rm(this.tempDir, { recursive: true, force: true }) : undefined));
    return this.closing;
  }
}
