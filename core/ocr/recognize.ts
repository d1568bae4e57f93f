import { copyFile, lstat, mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { FramewiseError } from '../util/errors.js';
import os from 'node:os';
import { setFlagsFromString } from 'node:v8';
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
import { dotsAgree } from './glyph-check.js';
import { recognitionModel, tessdataFile, type RecognitionModel } from './models.js';

export interface RecognizedChar {
  text: string;
  /** 0..1 recogniser score of this character */
  confidence: number;
  /**
   * Where the character was read, as fractions (0..1) of the line's width: its first and last column (PP-OCR's
   * CTC steps; absent from Tesseract's readings).
   */
  span?: [number, number];
}

export interface RecognizedLine {
  text: string;
  /** 0..1 (Tesseract's mean word confidence) */
  confidence: number;
  /** Per-character scores (absent from lines read before this field existed). */
  chars?: RecognizedChar[];
  /** A competing reading of the same line (another scale read it differently). */
  alternative?: string;
}

function clamp01(v: number): number {
  return Math.max(0, Math.min(1, Number.isFinite(v) ? v : 0));
}

/**
 * The characters overlays print: ASCII, Latin-1 letters, Latin Extended-A (ı İ ł ą ę ś ź ż č ř š ž ě ğ ş ő ű …)
 * and Romanian ș ț. Restricting the Latin model to these keeps it from answering with letters no European
 * name has (ẹ, ŀ, ǵ …), which were its wrong guesses on the corpus.
 */
export const OVERLAY_CHARSET = (() => {
  const ranges: Array<[number, number]> = [
    [0x20, 0x7e],
    [0xc0, 0xff],
    [0x100, 0x17f],
    [0x218, 0x21b],
  ];
  let s = '';
  for (const [a, b] of ranges) for (let c = a; c <= b; c++) if (c !== 0xd7 && c !== 0xf7) s += String.fromCharCode(c);
  return s + '°’';
})();

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
export function prepareLine(img: RgbImage, box: Box, lineHeight = LINE_HEIGHT): GrayImage {
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
  if (border / Math.max(1, count) < mean) for (let i = 0; i < g.data.length; i++) g.data[i] = 255 - g.data[i]!;
  g = normalizeContrast(g);
  // The detector's box is about 1.6× the glyph height (unclip); scale so glyphs are ~LINE_HEIGHT·0.75.
  const scale = (lineHeight * 1.25) / Math.max(1, b.height);
  const w = Math.max(8, Math.round(g.width * scale));
  const h = Math.max(8, Math.round(g.height * scale));
  return padGray(resizeGray(g, w, h), 12, 255);
}

/**
 * Tesseract's WebAssembly runs on V8's baseline compiler (Liftoff) only: no optimising (TurboFan) tier-up. Every
 * LineRecognizer starts a fresh worker, whose hot wasm functions V8 compiled again with TurboFan on its platform
 * threads while the first lines were read: ≈ 0.9 CPU-s for the 8 lines a verification of the bench clip sends to
 * Tesseract, more than the faster code then saves (8 lines: 1.45 → 0.64 CPU-s; each further 8 lines 0.40 → 0.52,
 * so the tier-up pays off only after ≈ 60 lines, more than a verification or an OCR job reads with one worker). The
 * readings are the same (wasm arithmetic does not depend on the tier). V8's flags are the process's: Tesseract is
 * the only WebAssembly the core process runs. Set before the first worker compiles its module.
 */
let baselineWasm = false;
export function wasmBaselineOnly(): void {
  if (baselineWasm) return;
  setFlagsFromString('--liftoff-only');
  baselineWasm = true;
}

/** Letters whose score drops when the dots of the line disagree with the reading. */
const DOT_LETTERS = new Set([...'iıíìîïjİÍÌÎÏ']);

/**
 * Tesseract (tesseract.js 7, WebAssembly in a worker thread) with the local Latin-script model (see
 * `recognitionModel`), or German + English LSTM data from npm when that model is not installed.
 */
export class LineRecognizer {
  private constructor(
    private readonly worker: TesseractWorker,
    private readonly tempDir: string | null,
    readonly model: RecognitionModel['kind'],
  ) {}

  static async create(opts: { cacheDir?: string; model?: RecognitionModel } = {}): Promise<LineRecognizer> {
    const model = opts.model ?? recognitionModel();
    const local = model.kind === 'latin' ? { dir: model.langPath, temporary: false } : await localTessdataDir(opts.cacheDir);
    const langPath = local.dir;
    const tesseract = (await import('tesseract.js')).default;
    wasmBaselineOnly();
    const worker = await tesseract.createWorker([...model.langs], tesseract.OEM.LSTM_ONLY, {
      langPath,
      cacheMethod: 'none',
      gzip: model.kind !== 'latin',
    });
    await worker.setParameters({
      tessedit_pageseg_mode: tesseract.PSM.SINGLE_LINE,
      preserve_interword_spaces: '1',
      ...(model.kind === 'latin' ? { tessedit_char_whitelist: OVERLAY_CHARSET } : {}),
    });
    return new LineRecognizer(worker, local.temporary ? langPath : null, model.kind);
  }

  async recognizeGray(line: GrayImage): Promise<RecognizedLine> {
    const png = encodePng(line, 1);
    const { data } = await this.worker.recognize(png, {}, { text: true, blocks: true });
    const text = data.text.replace(/\s+/g, ' ').trim();
    const chars: RecognizedChar[] = [];
    for (const b of data.blocks ?? [])
      for (const p of b.paragraphs)
        for (const l of p.lines)
          for (const w of l.words) for (const c of w.symbols) chars.push({ text: c.text, confidence: clamp01(c.confidence / 100) });
    // An i read for a ı (or the reverse) scores high at small sizes; the pixels' dots decide (glyph-check.ts).
    if (dotsAgree(line, text) === false) for (const c of chars) if (DOT_LETTERS.has(c.text)) c.confidence = Math.min(c.confidence, 0.5);
    return { text, confidence: clamp01((data.confidence ?? 0) / 100), chars };
  }

  /**
   * Read a line with some letters forbidden (Latin model only; null otherwise): what the model reads in their
   * place is its next choice there — Tesseract's per-symbol choices are not in tesseract.js's output. A line
   * read "Wiestaw" with full scores reads "Wiesław" without the t, while a real t turns into nothing or ț.
   */
  async recognizeWithout(line: GrayImage, letters: string): Promise<RecognizedLine | null> {
    if (this.model !== 'latin') return null;
    const allowed = [...OVERLAY_CHARSET].filter((c) => !letters.includes(c)).join('');
    await this.worker.setParameters({ tessedit_char_whitelist: allowed });
    try {
      return await this.recognizeGray(line);
    } finally {
      await this.worker.setParameters({ tessedit_char_whitelist: OVERLAY_CHARSET });
    }
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
