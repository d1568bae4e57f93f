/** An independent whole-image Tesseract reader for tests (reading burned-in text back). */
import { mkdtemp, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { Rect } from '../../core/anonymize/types.js';

/** One word read from an image, with its box in image pixels. */
export interface TextWord {
  text: string;
  /** 0..100 */
  confidence: number;
  box: Rect;
  /** Words with the same line number were read on one line. */
  line: number;
}

/**
 * Reads text and boxes from one frame image (PNG/JPEG bytes). The verification depends only on this, so the
 * OCR engine can be swapped (the OCR capability's reader when present, Tesseract otherwise).
 */
export interface TextReader {
  readonly name: string;
  read(image: Buffer): Promise<TextWord[]>;
  close(): Promise<void>;
}

const require = createRequire(import.meta.url);

/**
 * tesseract.js reads every language from one folder; the packaged models live in two. A private folder of
 * symlinks (in the OS temp folder) joins them without copying or downloading anything.
 */
async function languageFolder(langs: Array<'eng' | 'deu'>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'framewise-test-tessdata-'));
  for (const lang of langs) {
    const pkg = require(`@tesseract.js-data/${lang}`) as { langPath: string };
    await symlink(path.join(pkg.langPath, `${lang}.traineddata.gz`), path.join(dir, `${lang}.traineddata.gz`));
  }
  return dir;
}

interface TessBbox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}
interface TessWord {
  text: string;
  confidence: number;
  bbox: TessBbox;
}
interface TessLine {
  words: TessWord[];
}
interface TessParagraph {
  lines: TessLine[];
}
interface TessBlock {
  paragraphs: TessParagraph[];
}

/**
 * Tesseract (tesseract.js, WASM) with the packaged English + German models: loaded from node_modules,
 * never downloaded, never cached to disk. `workers` run in parallel (one per core is plenty).
 */
export async function createTesseractReader(opts: { workers?: number } = {}): Promise<TextReader> {
  const Tesseract = (await import('tesseract.js')).default;
  const langPath = await languageFolder(['eng', 'deu']);
  const n = Math.max(1, opts.workers ?? 1);
  const workers = await Promise.all(
    Array.from({ length: n }, () =>
      Tesseract.createWorker(['eng', 'deu'], Tesseract.OEM.LSTM_ONLY, {
        langPath,
        cacheMethod: 'none',
        gzip: true,
        logger: () => undefined,
        errorHandler: () => undefined,
      }),
    ),
  );
  const idle = [...workers];
  const waiting: Array<(w: (typeof workers)[number]) => void> = [];
  const acquire = () => new Promise<(typeof workers)[number]>((resolve) => (idle.length ? resolve(idle.pop()!) : waiting.push(resolve)));
  const release = (w: (typeof workers)[number]) => {
    const next = waiting.shift();
    if (next) next(w);
    else idle.push(w);
  };
  return {
    name: 'tesseract',
    async read(image) {
      const w = await acquire();
      try {
        const res = await w.recognize(image, {}, { blocks: true, text: false });
        const blocks = (res.data.blocks ?? []) as unknown as TessBlock[];
        const words: TextWord[] = [];
        let line = 0;
        for (const b of blocks)
          for (const p of b.paragraphs)
            for (const l of p.lines) {
              for (const wd of l.words) {
                const { x0, y0, x1, y1 } = wd.bbox;
                if (!wd.text.trim() || x1 <= x0 || y1 <= y0) continue;
                words.push({ text: wd.text, confidence: wd.confidence, box: { x: x0, y: y0, width: x1 - x0, height: y1 - y0 }, line });
              }
              line++;
            }
        return words;
      } finally {
        release(w);
      }
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate().catch(() => undefined)));
    },
  };
}

/** Group words into lines (reading order kept). */
export function linesOf(words: TextWord[]): TextWord[][] {
  const byLine = new Map<number, TextWord[]>();
  for (const w of words) {
    const l = byLine.get(w.line);
    if (l) l.push(w);
    else byLine.set(w.line, [w]);
  }
  return [...byLine.values()];
}
