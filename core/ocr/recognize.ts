import { copyFile, mkdir, stat } from 'node:fs/promises';
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
 * folders, so both files are copied (once, from node_modules, never downloaded) into one local folder.
 */
export async function localTessdataDir(cacheDir?: string): Promise<string> {
  const dir = cacheDir ?? path.join(os.tmpdir(), `framewise-tessdata-${process.getuid?.() ?? 'u'}`);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  for (const lang of ['deu', 'eng'] as const) {
    const src = tessdataFile(lang);
    const dest = path.join(dir, `${lang}.traineddata.gz`);
    const [s, d] = await Promise.all([stat(src), stat(dest).catch(() => null)]);
    if (!d || d.size !== s.size) {
      const tmp = `${dest}.${process.pid}.partial`;
      await copyFile(src, tmp);
      const { rename } = await import('node:fs/promises');
      await rename(tmp, dest);
    }
  }
  return dir;
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
  private constructor(private readonly worker: TesseractWorker) {}

  static async create(opts: { cacheDir?: string } = {}): Promise<LineRecognizer> {
    const langPath = await localTessdataDir(opts.cacheDir);
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
    return new LineRecognizer(worker);
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
    this.closing ??= this.worker.terminate().then(
      () => undefined,
      () => undefined,
    );
    return this.closing;
  }
}
