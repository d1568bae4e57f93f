import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ffmpegPath, ffprobePath } from '../helpers/media.js';

const execFileAsync = promisify(execFile);
const require = createRequire(import.meta.url);

/** Grey images of `file` through the filter `vf` (scaled up: Tesseract reads small text better), to `out`. */
async function grayImages(file: string, vf: string, out: string, extra: string[] = []): Promise<void> {
  await execFileAsync(await ffmpegPath(), ['-v', 'error', '-i', file, '-vf', `${vf},format=gray`, ...extra, out]);
}

/** English + German Tesseract on every PNG in `dir` (name order): the text read per image. */
async function readPngs(dir: string, keep: (index: number) => boolean = () => true): Promise<Array<string | null>> {
  const Tesseract = (await import('tesseract.js')).default;
  const eng = (require('@tesseract.js-data/eng') as { langPath: string }).langPath;
  const deu = (require('@tesseract.js-data/deu') as { langPath: string }).langPath;
  const wEng = await Tesseract.createWorker('eng', 1, { langPath: eng, cacheMethod: 'none', gzip: true });
  const wDeu = await Tesseract.createWorker('deu', 1, { langPath: deu, cacheMethod: 'none', gzip: true });
  try {
    const out: Array<string | null> = [];
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.png'))
      .sort();
    for (const [i, f] of files.entries()) {
      if (!keep(i)) {
        out.push(null);
        continue;
      }
      const img = readFileSync(path.join(dir, f));
      const [a, b] = await Promise.all([wEng.recognize(img), wDeu.recognize(img)]);
      out.push(`${a.data.text}\n${b.data.text}`);
    }
    return out;
  } finally {
    await wEng.terminate();
    await wDeu.terminate();
  }
}

/**
 * The tests' own OCR, independent of the core's verification: tesseract.js called directly on frames that
 * ffmpeg extracts every `interval` seconds (upscaled ×2, so small overlay text is read reliably).
 * `only`: read just the sampled frames whose time it accepts (the rest are extracted, not read).
 * Returns the text read per sampled second.
 */
export async function ocrEverySecond(
  file: string,
  opts: { interval?: number; scale?: number; only?: (time: number) => boolean; crop?: string } = {},
): Promise<Array<{ time: number; text: string }>> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'framewise-ocr-'));
  try {
    const interval = opts.interval ?? 1;
    // `crop`: an ffmpeg crop (w:h:x:y) to read only where the source shows the text looked for.
    const crop = opts.crop ? `crop=${opts.crop},` : '';
    await grayImages(file, `fps=1/${interval},${crop}scale=iw*${opts.scale ?? 2}:-2`, path.join(dir, 'f%05d.png'));
    const only = opts.only;
    const texts = await readPngs(dir, only ? (i) => only(i * interval) : undefined);
    return texts.flatMap((text, i) => (text === null ? [] : [{ time: i * interval, text }]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The same reader (English + German, upscaled ×`scale`, grey) on the given decoded frames only (frame numbers
 * from 0 in decode order): for checks that only some frames can fail (the frames showing a text), at a
 * fraction of reading every sampled second.
 */
export async function ocrFrames(
  file: string,
  frames: number[],
  opts: { scale?: number } = {},
): Promise<Array<{ frame: number; text: string }>> {
  const wanted = [...new Set(frames)].sort((a, b) => a - b);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'framewise-ocr-'));
  try {
    const select = `select='${wanted.map((n) => `eq(n,${n})`).join('+')}'`;
    await grayImages(file, `${select},scale=iw*${opts.scale ?? 2}:-2`, path.join(dir, 'f%05d.png'), ['-vsync', '0']);
    const texts = await readPngs(dir);
    if (texts.length !== wanted.length) throw new Error(`${texts.length} of the ${wanted.length} frames asked for were extracted`);
    return texts.map((text, i) => ({ frame: wanted[i]!, text: text ?? '' }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const norm = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/ß/g, 'ss')
    .toLowerCase();

function lev(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length]![b.length]!;
}

/** Patient strings found in OCR text: words fuzzy (≤1 edit for 4+ letters), dates by their digits. */
export function patientStringsIn(text: string, strings: string[]): string[] {
  const words = norm(text)
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  const digits = norm(text).replace(/[^0-9]/g, '');
  const found: string[] = [];
  for (const s of strings) {
    if (/\d/.test(s)) {
      if (digits.includes(s.replace(/\D/g, ''))) found.push(s);
      continue;
    }
    const t = norm(s).replace(/[^a-z0-9]/g, '');
    if (words.some((w) => w === t || (t.length >= 4 && (w.includes(t) || lev(w, t) <= 1)))) found.push(s);
  }
  return found;
}

export async function probeJson(file: string): Promise<{
  streams: Array<{ codec_type: string; duration?: string; tags?: Record<string, string> }>;
  format: { duration: string; tags?: Record<string, string> };
}> {
  const { stdout } = await execFileAsync(await ffprobePath(), [
    '-v',
    'error',
    '-print_format',
    'json',
    '-show_format',
    '-show_streams',
    file,
  ]);
  return JSON.parse(stdout);
}

/** Mean SSIM of two filter chains' outputs (the same number of frames), computed by ffmpeg's ssim filter. */
export async function ssim(a: { file: string; chain: string }, b: { file: string; chain: string }): Promise<number> {
  const { stderr } = await execFileAsync(await ffmpegPath(), [
    '-hide_banner',
    '-i',
    a.file,
    '-i',
    b.file,
    '-filter_complex',
    `[0:v]${a.chain}[a];[1:v]${b.chain}[b];[a][b]ssim`,
    '-f',
    'null',
    '-',
  ]);
  const m = /SSIM .*All:([0-9.]+)/.exec(stderr);
  if (!m) throw new Error(`no SSIM in ffmpeg output: ${stderr.slice(-500)}`);
  return Number(m[1]);
}

/**
 * The same independent reader on still images (previews: keyframes, sheets): each upscaled ×`scale`, grey,
 * English Tesseract only (cheap: one worker; the fuzzy match takes "Jurgen" for "Jürgen"); returns the patient
 * strings found, with the image's name.
 */
export async function patientStringsInImages(files: string[], strings: string[], scale = 2): Promise<string[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'framewise-ocr-'));
  const Tesseract = (await import('tesseract.js')).default;
  const eng = (require('@tesseract.js-data/eng') as { langPath: string }).langPath;
  const wEng = await Tesseract.createWorker('eng', 1, { langPath: eng, cacheMethod: 'none', gzip: true });
  try {
    const found: string[] = [];
    for (const [i, file] of files.entries()) {
      const big = path.join(dir, `${i}.png`);
      await grayImages(file, `scale=iw*${scale}:-2`, big, ['-frames:v', '1']);
      const img = readFileSync(big);
      const text = (await wEng.recognize(img)).data.text;
      found.push(...patientStringsIn(text, strings).map((s) => `${s} in ${path.basename(file)}`));
    }
    return found;
  } finally {
    await wEng.terminate();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The MD5 of every decoded frame of the first video stream, one per line (ffmpeg's framemd5): two files with the
 * same string show exactly the same pictures, so what the independent reader found in one holds for the other.
 */
export async function decodedFrameHashes(file: string): Promise<string> {
  const { stdout } = await execFileAsync(await ffmpegPath(), ['-v', 'error', '-i', file, '-map', '0:v:0', '-f', 'framemd5', '-'], {
    maxBuffer: 64 << 20,
  });
  return stdout
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => l.split(',').at(-1)!.trim())
    .join('\n');
}
